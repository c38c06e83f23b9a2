using System.Diagnostics;
using System.Text.Json;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core;

namespace FlexZendesk.Functions.Queues;

/// <summary>
/// One queue message through the processor and settled, for the queue function under either host: returns when the
/// message is done with (its work done, permanently refused and logged, rescheduled, or moved to the poison queue),
/// throws <see cref="EventRetryException"/> when another delivery can succeed. Its span continues the trace the
/// envelope carries from ingress (linked to the host's invocation span, if any).
/// </summary>
public sealed partial class FlexMessageHandler(
    FlexEventProcessor processor, PayloadStore payloads, EventQueueWriter queue, PoisonMessages poison,
    FlexZendeskMetrics metrics, TimeProvider clock, ILogger<FlexMessageHandler> logger)
{
    private static readonly TimeSpan MinimumDelay = TimeSpan.FromSeconds(1);

    /// <exception cref="EventRetryException">A later delivery can succeed: leave the message to the queue's retries.</exception>
    public async Task HandleAsync(string message, string messageId, long dequeueCount, CancellationToken cancellationToken)
    {
        FlexEventEnvelope envelope;
        try
        {
            envelope = EnvelopeJson.Deserialize(message);
        }
        catch (JsonException ex)
        {
            await PoisonAsync(message, messageId, "", $"not an event envelope ({ex.Message})", cancellationToken);
            return;
        }

        try
        {
            // A pointer to an oversize envelope becomes the envelope here: the processor only sees whole events.
            envelope = await payloads.ResolveAsync(envelope, cancellationToken);
        }
        catch (PermanentException ex)
        {
            await PoisonAsync(message, messageId, envelope.EventType, ex.Message, cancellationToken);
            return;
        }
        catch (RetryableException ex)
        {
            await RetryAsync(message, messageId, envelope, dequeueCount, ex, cancellationToken);
            return;
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
        }
        catch (PermanentException ex)
        {
            LogPermanent(logger, envelope.EventType, envelope.Id, envelope.TaskSid, ex.Message);
            metrics.EventProcessed(envelope.EventType, "permanent");
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
        }
        catch (RetryableException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            await RetryAsync(message, messageId, envelope, dequeueCount, ex, cancellationToken);
        }
    }

    /// <summary>
    /// A wait (a 429's or a spent budget's Retry-After, another worker's claim) reschedules a copy, costing no delivery;
    /// any other retryable failure is thrown for the queue's own retries.
    /// </summary>
    private async Task RetryAsync(string message, string messageId, FlexEventEnvelope envelope, long dequeueCount, RetryableException ex, CancellationToken cancellationToken)
    {
        LogRetry(logger, envelope.EventType, envelope.Id, envelope.TaskSid, dequeueCount, ex.Message);
        metrics.EventProcessed(envelope.EventType, "retry");
        if (ex.RetryAfter is not { } after)
        {
            throw new EventRetryException(ex.Message);
        }

        var delay = after < MinimumDelay ? MinimumDelay : after;
        await queue.RescheduleAsync(message, delay, cancellationToken);
        LogRescheduled(logger, messageId, delay.TotalSeconds);
    }

    private async Task PoisonAsync(string message, string messageId, string eventType, string reason, CancellationToken cancellationToken)
    {
        LogPoison(logger, messageId, reason);
        metrics.EventProcessed(eventType, "invalid");
        await poison.SendAsync(message, reason, cancellationToken);
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

    [LoggerMessage(LogLevel.Information, "Rescheduled message {MessageId} in {DelaySeconds} s (a wait for Zendesk or for another worker; no delivery spent)")]
    private static partial void LogRescheduled(ILogger logger, string messageId, double delaySeconds);

    [LoggerMessage(LogLevel.Error, "Poison message {MessageId}: {Reason}")]
    private static partial void LogPoison(ILogger logger, string messageId, string reason);
}

/// <summary>
/// Thrown by the queue function when a later delivery can succeed: the host (or the no-host listener) makes the
/// message visible again, and poisons it after <c>maxDequeueCount</c> deliveries. The reason is the failure's, with
/// no secret in it (it comes from classified API errors).
/// </summary>
public sealed class EventRetryException(string reason) : Exception(reason);
