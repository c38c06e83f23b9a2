using System.Reflection;
using Azure;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Health;

/// <summary><c>GET /api/health</c> (function <c>Health</c>): the version and whether Azure Storage answers.</summary>
public static partial class HealthApi
{
    private static readonly string Version =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", CheckAsync).WithName("Health");
        return app;
    }

    public static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> CheckAsync(
        StorageClients storage,
        IOptions<QueueOptions> queues,
        ILogger<HealthReport> logger,
        CancellationToken cancellationToken)
    {
        var name = queues.Value.EventsQueue;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var exists = await storage.Queues.GetQueueClient(name).ExistsAsync(timeout.Token);
            return TypedResults.Ok(new HealthReport("Healthy", Version, "reachable", name, exists.Value));
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or AggregateException or OperationCanceledException)
        {
            LogUnreachable(logger, ex.GetType().Name, (ex as RequestFailedException)?.ErrorCode);
            return TypedResults.Json(new HealthReport("Unhealthy", Version, "unreachable", name, null), AppJsonContext.Default.HealthReport, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Health check: Azure Storage unreachable ({ErrorType}, {ErrorCode})")]
    private static partial void LogUnreachable(ILogger logger, string errorType, string? errorCode);
}
