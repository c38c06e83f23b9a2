using FlexZendesk.Core.Queues;
using FlexZendesk.Functions.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace FlexZendesk.Functions.Admin;

/// <summary>
/// <c>POST /api/ops/poison/replay</c> (not /api/admin/…: the Functions host reserves routes starting with admin),
/// admin level (the host's master key; <c>Admin:Key</c> without a host): puts poison messages back on the events
/// queue, all or the ones named (<see cref="PoisonMessages.ReplayAsync"/>), and reports counts. Storage down: 503.
/// </summary>
public sealed partial class ReplayPoison(PoisonMessages poisonMessages, ILogger<ReplayPoison> logger)
{
    [Function(nameof(ReplayPoison))]
    public async Task<Results<Ok<PoisonReplay>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/poison/replay")] HttpRequest http)
    {
        if (await JsonBody.ReadAsync(http, AppJsonContext.Default.ReplayRequest) is not { } body)
        {
            return Problems.Malformed("The body is not a JSON object.");
        }

        var ids = body.Value?.Ids is { Count: > 0 } named ? named.ToHashSet(StringComparer.Ordinal) : null;
        var report = await poisonMessages.ReplayAsync(ids, http.HttpContext.RequestAborted);
        LogReplayed(logger, report.Replayed, report.Skipped, report.Unreadable);
        return TypedResults.Ok(report);
    }

    [LoggerMessage(LogLevel.Information, "Poison replay: {Replayed} replayed, {Skipped} left, {Unreadable} unreadable")]
    private static partial void LogReplayed(ILogger logger, int replayed, int skipped, int unreadable);
}

/// <param name="Ids">Envelope ids or poison message ids to replay; none = all.</param>
public sealed record ReplayRequest(List<string>? Ids);
