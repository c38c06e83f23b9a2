using System.Diagnostics;
using System.Text.Json;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Telemetry;

namespace FlexZendesk.Functions.Queues;

/// <summary>
/// One queue message through the processor, for the queue function under either host. Its span continues the
/// trace the envelope carries from ingress (linked to the host's invocation span, if any).
/// </summary>
public sealed partial class FlexMessageHandler(FlexEventProcessor processor, PayloadStore payloads, FlexZendeskMetrics metrics, TimeProvider clock, ILogger<FlexMessageHandler> logger)
{
    public async Task<HandlingResult> HandleAsync(string message, string messageId, long dequeueCount, CancellationToken cancellationToken)
    {
        FlexEventEnvelope envelope;
        try
        {
            envelope = EnvelopeJson.Deserialize(message);
        }
        catch (JsonException ex)
        {
            return Poison(messageId, "", $"not an event envelope ({ex.Message})");
        }

        try
        {
            // A pointer to an oversize envelope becomes the envelope here: the processor only sees whole events.
            envelope = await payloads.ResolveAsync(envelope, cancellationToken);
        }
        catch (PermanentException ex)
        {
            return Poison(messageId, envelope.EventType, ex.Message);
        }
        catch (RetryableException ex)
        {
            return Retry(envelope, dequeueCount, ex);
        }

        using var activity = StartActivity(envelope, messageId, dequeueCount);
        metrics.QueueLatency(envelope.EventType, clock.GetUtcNow() - envelope.ReceivedAt);
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["EventId"] = envelope.Id,
            ["TaskSid"] = envelope.TaskSid,
            ["MessageId"] = messageId,
        });
        try
        {
            var outcome = await processor.ProcessAsync(envelope, cancellationToken);
            LogProcessed(logger, envelope.EventType, envelope.Id, outcome.Done, outcome.Detail);
            metrics.EventProcessed(envelope.EventType, "completed");
            return new(HandlingStatus.Completed, outcome.Detail, null);
        }
        catch (PermanentException ex)
        {
            LogPermanent(logger, envelope.EventType, envelope.Id, envelope.TaskSid, ex.Message);
            metrics.EventProcessed(envelope.EventType, "permanent");
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return new(HandlingStatus.Completed, ex.Message, null);
        }
        catch (RetryableException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return Retry(envelope, dequeueCount, ex);
        }
    }

    private HandlingResult Retry(FlexEventEnvelope envelope, long dequeueCount, RetryableException ex)
    {
        LogRetry(logger, envelope.EventType, envelope.Id, envelope.TaskSid, dequeueCount, ex.Message);
        metrics.EventProcessed(envelope.EventType, "retry");
        return new(HandlingStatus.Retry, ex.Message, ex.RetryAfter);
    }

    private HandlingResult Poison(string messageId, string eventType, string reason)
    {
        LogPoison(logger, messageId, reason);
        metrics.EventProcessed(eventType, "invalid");
        return new(HandlingStatus.Poison, reason, null);
    }

    private static Activity? StartActivity(FlexEventEnvelope envelope, string messageId, long dequeueCount)
    {
        var parent = FlexTelemetry.Parent(envelope.TraceParent, envelope.TraceState);
        ActivityLink[]? links = parent != default && Activity.Current is { } invocation ? [new ActivityLink(invocation.Context)] : null;
        var activity = FlexTelemetry.Source.StartActivity("process " + envelope.EventType, ActivityKind.Consumer, parent, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "azure_storage_queues");
            activity.SetTag("messaging.message.id", messageId);
            activity.SetTag("messaging.message.delivery_count", dequeueCount);
            activity.SetTag("flexzendesk.event_id", envelope.Id);
            activity.SetTag("flexzendesk.event_type", envelope.EventType);
            activity.SetTag("flexzendesk.task_sid", envelope.TaskSid);
        }

        return activity;
    }

    [LoggerMessage(LogLevel.Information, "Processed {EventType} {EventId} (effects: {Done}): {Detail}")]
    private static partial void LogProcessed(ILogger logger, string eventType, string eventId, bool done, string detail);

    [LoggerMessage(LogLevel.Warning, "Gave up on {EventType} {EventId} for task {TaskSid}, a retry cannot fix it: {Reason}")]
    private static partial void LogPermanent(ILogger logger, string eventType, string eventId, string? taskSid, string reason);

    [LoggerMessage(LogLevel.Warning, "Will retry {EventType} {EventId} for task {TaskSid} (delivery {DequeueCount}): {Reason}")]
    private static partial void LogRetry(ILogger logger, string eventType, string eventId, string? taskSid, long dequeueCount, string reason);

    [LoggerMessage(LogLevel.Error, "Poison message {MessageId}: {Reason}")]
    private static partial void LogPoison(ILogger logger, string messageId, string reason);
}
