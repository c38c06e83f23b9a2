using System.Diagnostics;
using Azure.Storage.Queues;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Storage;
using FlexZendesk.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Queues;

/// <summary>
/// Puts envelopes on the events queue (base64, as host.json's <c>messageEncoding</c> expects). An envelope
/// too large for a queue message first loses its raw copy; if still too large it goes to the
/// <see cref="PayloadStore"/> and the message carries a pointer, so no accepted callback is dropped for its size.
/// </summary>
public sealed class EventQueueWriter(StorageClients clients, PayloadStore payloads, IOptions<QueueOptions> options, FlexZendeskMetrics metrics, EnqueueSignal signal)
{
    /// <summary>64 KiB per message after base64 leaves 48 KiB of JSON.</summary>
    public const int MaxMessageBytes = 48 * 1024;

    /// <exception cref="QueueUnavailableException">Storage did not take it: answer 503 so Twilio retries.</exception>
    public async Task<EnqueueResult> EnqueueAsync(FlexEventEnvelope envelope, CancellationToken cancellationToken)
    {
        // A producer span; the envelope carries its context so processing continues this trace.
        using var activity = FlexTelemetry.Source.StartActivity(options.Value.EventsQueue + " send", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "azure_storage_queues");
        activity?.SetTag("messaging.destination.name", options.Value.EventsQueue);
        activity?.SetTag("flexzendesk.event_id", envelope.Id);
        var (traceParent, traceState) = FlexTelemetry.Capture();
        envelope = envelope with { TraceParent = traceParent, TraceState = traceState };
        var body = EnvelopeJson.Serialize(envelope);
        if (body.Length > MaxMessageBytes && envelope.Raw is not null)
        {
            envelope = envelope with { Raw = null, RawOmitted = true };
            body = EnvelopeJson.Serialize(envelope);
        }

        string? blobName = null;
        if (body.Length > MaxMessageBytes)
        {
            blobName = await payloads.StoreAsync(envelope, body, cancellationToken);
            body = EnvelopeJson.Serialize(Pointer(envelope, blobName));
        }

        var messageId = await SendAsync(BinaryData.FromBytes(body), TimeSpan.Zero, cancellationToken);
        signal.Notify();
        metrics.EventReceived(envelope.Source, envelope.EventType);
        return new EnqueueResult(messageId, body.Length, envelope.RawOmitted, blobName);
    }

    /// <summary>Puts a copy of a message back on the queue, invisible for <paramref name="delay"/>: a retry that burns no delivery.</summary>
    public Task RescheduleAsync(string messageText, TimeSpan delay, CancellationToken cancellationToken) =>
        SendAsync(BinaryData.FromString(messageText), delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxDelay ? MaxDelay : delay, cancellationToken);

    // Storage allows 7 days of invisibility; stay clear of the edge.
    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(6);

    private static FlexEventEnvelope Pointer(FlexEventEnvelope envelope, string blobName) => new()
    {
        Id = envelope.Id,
        Source = envelope.Source,
        EventType = envelope.EventType,
        ReceivedAt = envelope.ReceivedAt,
        TaskSid = envelope.TaskSid,
        IdempotencyToken = envelope.IdempotencyToken,
        RawOmitted = envelope.RawOmitted,
        TraceParent = envelope.TraceParent,
        TraceState = envelope.TraceState,
        PayloadBlob = blobName,
    };

    // One client for the process (they are thread-safe): building one per message cost a URI parse each time.
    private QueueClient? _queue;

    private async Task<string> SendAsync(BinaryData body, TimeSpan delay, CancellationToken cancellationToken)
    {
        var queue = _queue ??= clients.Queues.GetQueueClient(options.Value.EventsQueue);
        try
        {
            var sent = await StorageCall.CreatingAsync(
                () => queue.SendMessageAsync(body, delay, cancellationToken: cancellationToken),
                () => queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
            return sent.Value.MessageId;
        }
        catch (Exception ex) when (StorageCall.IsFailure(ex, cancellationToken))
        {
            throw new QueueUnavailableException("Azure Storage did not accept the event.", ex);
        }
    }
}

/// <param name="MessageId">The storage queue message id.</param>
/// <param name="Bytes">Size of the JSON message before base64.</param>
/// <param name="RawOmitted">True when the raw body was dropped to fit the message.</param>
/// <param name="PayloadBlob">Set when the envelope went to a blob and the message is a pointer.</param>
public sealed record EnqueueResult(string MessageId, int Bytes, bool RawOmitted, string? PayloadBlob);

/// <summary>
/// Tells this process's queue listener that this process just enqueued an event, so it receives now instead of at the
/// end of its polling back-off. Only the no-host runner listens to it (the Functions host's queue listener lives in
/// the host process and polls); events another instance enqueued are found by polling as before.
/// </summary>
public sealed class EnqueueSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Notify"/>: take it before a receive, await it after an empty one, and no enqueue in between is missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
