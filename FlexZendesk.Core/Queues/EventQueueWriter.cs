using System.Diagnostics;
using System.Text.Json;
using Azure;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Storage;
using FlexZendesk.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Queues;

/// <summary>
/// Puts envelopes on the events queue (base64, as host.json's <c>messageEncoding</c> expects). An envelope
/// too large for a queue message first loses its raw copy; if still too large it is stored as a blob and
/// the message carries a pointer, so no accepted callback is dropped for its size.
/// </summary>
public sealed class EventQueueWriter(StorageClients clients, IOptions<QueueOptions> options, FlexZendeskMetrics metrics)
{
    /// <summary>64 KiB per message after base64 leaves 48 KiB of JSON.</summary>
    public const int MaxMessageBytes = 48 * 1024;

    public async Task<EnqueueResult> EnqueueAsync(FlexEventEnvelope envelope, CancellationToken cancellationToken)
    {
        // A producer span; the envelope carries its context so processing continues this trace.
        using var activity = FlexTelemetry.Source.StartActivity(options.Value.EventsQueue + " send", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "azure_storage_queues");
        activity?.SetTag("messaging.destination.name", options.Value.EventsQueue);
        activity?.SetTag("flexzendesk.event_id", envelope.Id);
        var (traceParent, traceState) = FlexTelemetry.Capture();
        envelope = envelope with { TraceParent = traceParent, TraceState = traceState };
        var body = Serialize(envelope);
        if (body.Length > MaxMessageBytes && envelope.Raw is not null)
        {
            envelope = envelope with { Raw = null, RawOmitted = true };
            body = Serialize(envelope);
        }

        string? blobName = null;
        if (body.Length > MaxMessageBytes)
        {
            blobName = await StoreAsync(envelope, body, cancellationToken);
            body = Serialize(Pointer(envelope, blobName));
        }

        var messageId = await SendAsync(body, cancellationToken);
        metrics.EventReceived(envelope.Source, envelope.EventType);
        return new EnqueueResult(messageId, body.Length, envelope.RawOmitted, blobName);
    }

    /// <summary>
    /// Moves a message to <c>&lt;queue&gt;-poison</c> carrying <paramref name="lastError"/>: an envelope keeps its
    /// fields (replayable as is); anything else is wrapped, its text in <c>raw</c>.
    /// </summary>
    public async Task SendPoisonAsync(string messageText, string lastError, CancellationToken cancellationToken)
    {
        FlexEventEnvelope poisoned;
        try
        {
            poisoned = Deserialize(System.Text.Encoding.UTF8.GetBytes(messageText)) with { LastError = lastError, FailedAt = DateTimeOffset.UtcNow };
        }
        catch (JsonException)
        {
            poisoned = new FlexEventEnvelope
            {
                Id = "unreadable:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(messageText)))[..32],
                Source = "unknown",
                EventType = "",
                ReceivedAt = DateTimeOffset.UtcNow,
                Raw = messageText,
                LastError = lastError,
                FailedAt = DateTimeOffset.UtcNow,
            };
        }

        var poison = clients.Queues.GetQueueClient(PoisonQueueName);
        var body = BinaryData.FromBytes(Serialize(poisoned));
        await Storage(async () =>
        {
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await poison.SendMessageAsync(body, cancellationToken: cancellationToken);
        }, cancellationToken);
        metrics.Poisoned();
    }

    public string PoisonQueueName => options.Value.EventsQueue + "-poison";

    /// <summary>
    /// Messages in the poison queue now (approximate), 0 when it does not exist, null when storage does not answer.
    /// Synchronous: it runs in the metrics gauge's callback, on the exporter's thread, once per collection.
    /// </summary>
    public long? PoisonDepth()
    {
        try
        {
            return clients.Queues.GetQueueClient(PoisonQueueName).GetProperties().Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or TimeoutException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Puts a copy of a message back on the queue, invisible for <paramref name="delay"/>: a retry that burns no delivery.</summary>
    public async Task RescheduleAsync(string messageText, TimeSpan delay, CancellationToken cancellationToken)
    {
        var queue = clients.Queues.GetQueueClient(options.Value.EventsQueue);
        var capped = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > TimeSpan.FromDays(6) ? TimeSpan.FromDays(6) : delay;
        await Storage(() => queue.SendMessageAsync(BinaryData.FromString(messageText), capped, cancellationToken: cancellationToken), cancellationToken);
    }

    /// <summary>Reads back the full envelope of a pointer message.</summary>
    public async Task<FlexEventEnvelope> ResolveAsync(FlexEventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.PayloadBlob is null)
        {
            return envelope;
        }

        var separator = envelope.PayloadBlob.IndexOf('/', StringComparison.Ordinal);
        var blob = clients.Blobs
            .GetBlobContainerClient(envelope.PayloadBlob[..separator])
            .GetBlobClient(envelope.PayloadBlob[(separator + 1)..]);
        var content = await blob.DownloadContentAsync(cancellationToken);
        return Deserialize(content.Value.Content.ToMemory().Span);
    }

    public static byte[] Serialize(FlexEventEnvelope envelope) =>
        JsonSerializer.SerializeToUtf8Bytes(envelope, CoreJsonContext.Default.FlexEventEnvelope);

    public static FlexEventEnvelope Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, CoreJsonContext.Default.FlexEventEnvelope)
        ?? throw new JsonException("The message is JSON null, not an envelope.");

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

    private async Task<string> StoreAsync(FlexEventEnvelope envelope, byte[] body, CancellationToken cancellationToken)
    {
        var container = clients.Blobs.GetBlobContainerClient(options.Value.PayloadContainer);
        // Same event, same name: a redelivered callback overwrites rather than piling up copies.
        var name = $"{envelope.ReceivedAt:yyyy/MM/dd}/{Uri.EscapeDataString(envelope.Id)}.json";
        await Storage(async () =>
        {
            try
            {
                await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(body), overwrite: true, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(body), overwrite: true, cancellationToken);
            }
        }, cancellationToken);
        return $"{container.Name}/{name}";
    }

    private async Task<string> SendAsync(byte[] body, CancellationToken cancellationToken)
    {
        var queue = clients.Queues.GetQueueClient(options.Value.EventsQueue);
        string id = "";
        await Storage(async () =>
        {
            try
            {
                id = (await queue.SendMessageAsync(BinaryData.FromBytes(body), cancellationToken: cancellationToken)).Value.MessageId;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // First message on a new account: create the queue on demand, keeping start-up free of I/O.
                await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                id = (await queue.SendMessageAsync(BinaryData.FromBytes(body), cancellationToken: cancellationToken)).Value.MessageId;
            }
        }, cancellationToken);
        return id;
    }

    private static async Task Storage(Func<Task> operation, CancellationToken cancellationToken)
    {
        try
        {
            await operation();
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or AggregateException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new QueueUnavailableException("Azure Storage did not accept the event.", ex);
        }
    }
}
