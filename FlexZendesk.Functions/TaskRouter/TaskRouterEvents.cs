using Microsoft.AspNetCore.Http.Features;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Twilio;
using FlexZendesk.Functions.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.TaskRouter;

/// <summary>The TaskRouter workspace Event Callback URL: <c>POST /api/taskrouter/events</c>.</summary>
public sealed partial class TaskRouterEvents(
    EventQueueWriter queue,
    EventTypeFilter filter,
    IOptions<TwilioOptions> twilio,
    TimeProvider clock,
    ILogger<TaskRouterEvents> logger)
{
    /// <summary>Answers 204 with a JSON content type, as TaskRouter expects, whether the event was enqueued or filtered out.</summary>
    [Function(nameof(TaskRouterEvents))]
    [TwilioSigned]
    public async Task<Results<NoContent, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "taskrouter/events")] HttpRequest request)
    {
        var http = request.HttpContext;
        var envelope = http.Features.GetRequiredFeature<WebhookPayload>().ToEnvelope(EventSources.TaskRouter, clock);
        if (envelope.EventType.Length == 0)
        {
            return Problems.Malformed("A TaskRouter event callback must carry EventType.");
        }

        http.Response.ContentType = "application/json";
        var workspace = twilio.Value.WorkspaceSid;
        var otherWorkspace = !string.IsNullOrEmpty(workspace)
            && envelope.Fields.TryGetValue("WorkspaceSid", out var sent)
            && !string.Equals(sent, workspace, StringComparison.OrdinalIgnoreCase);
        if (otherWorkspace || !filter.Allows(envelope.EventType))
        {
            LogSkipped(logger, envelope.EventType, envelope.Id, otherWorkspace ? "other workspace" : "event type not in Ingress:EventTypes");
            return TypedResults.NoContent();
        }

        var result = await queue.EnqueueAsync(envelope, http.RequestAborted);
        LogEnqueued(logger, envelope.EventType, envelope.Id, envelope.TaskSid, result.Bytes, result.PayloadBlob is not null);
        if (envelope.TaskAttributesError is not null)
        {
            LogBadAttributes(logger, envelope.Id, envelope.TaskSid);
        }

        return TypedResults.NoContent();
    }

    [LoggerMessage(LogLevel.Debug, "Skipped {EventType} {EventId}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string eventType, string eventId, string reason);

    [LoggerMessage(LogLevel.Debug, "Enqueued {EventType} {EventId} for task {TaskSid} ({Bytes} bytes, in blob: {InBlob})")]
    private static partial void LogEnqueued(ILogger logger, string eventType, string eventId, string? taskSid, int bytes, bool inBlob);

    [LoggerMessage(LogLevel.Warning, "Event {EventId} for task {TaskSid} has TaskAttributes that are not valid JSON; kept raw and flagged")]
    private static partial void LogBadAttributes(ILogger logger, string eventId, string? taskSid);
}
