using System.Reflection;
using Azure;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Health;

/// <summary><c>GET /api/health</c>: the version and whether Azure Storage answers.</summary>
public sealed partial class Health(StorageClients storage, IOptions<QueueOptions> queues, ILogger<Health> logger)
{
    private static readonly string Version =
        typeof(Health).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    [Function(nameof(Health))]
    public async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        var name = queues.Value.EventsQueue;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var exists = await storage.Queues.GetQueueClient(name).ExistsAsync(timeout.Token);
            return TypedResults.Ok(new HealthReport("Healthy", Version, "reachable", name, exists.Value));
        }
        catch (Exception ex) when (StorageCall.IsFailure(ex, cancellationToken))
        {
            LogUnreachable(logger, ex.GetType().Name, (ex as RequestFailedException)?.ErrorCode);
            return TypedResults.Json(new HealthReport("Unhealthy", Version, "unreachable", name, null), AppJsonContext.Default.HealthReport, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Health check: Azure Storage unreachable ({ErrorType}, {ErrorCode})")]
    private static partial void LogUnreachable(ILogger logger, string errorType, string? errorCode);
}

/// <param name="Status"><c>Healthy</c> or <c>Unhealthy</c>.</param>
/// <param name="Storage"><c>reachable</c> or <c>unreachable</c>.</param>
/// <param name="QueueExists">Whether the events queue exists yet (it is created with the first message).</param>
public sealed record HealthReport(string Status, string Version, string Storage, string Queue, bool? QueueExists);
