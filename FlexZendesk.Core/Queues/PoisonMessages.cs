using System.Text.Json;
using Azure;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Storage;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core.Text;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Queues;

/// <summary>
/// <c>&lt;events queue&gt;-poison</c>, the host's name for it: messages that can never be processed, each with the
/// reason, replayable once the cause is fixed.
/// </summary>
public sealed class PoisonMessages(StorageClients clients, IOptions<QueueOptions> options, FlexZendeskMetrics metrics, TimeProvider clock)
{
    public string QueueName => options.Value.EventsQueue + "-poison";

    /// <summary>
    /// Moves a message here carrying <paramref name="lastError"/>: an envelope keeps its fields (replayable as is);
    /// anything else is wrapped, its text in <c>raw</c>.
    /// </summary>
    /// <exception cref="QueueUnavailableException">Storage did not take it (the message stays where it was).</exception>
    public async Task SendAsync(string messageText, string lastError, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        FlexEventEnvelope poisoned;
        try
        {
            poisoned = EnvelopeJson.Deserialize(messageText) with { LastError = lastError, FailedAt = now };
        }
        catch (JsonException)
        {
            poisoned = new FlexEventEnvelope
            {
                Id = "unreadable:" + Hashes.Sha256Hex(messageText, 32),
                Source = "unknown",
                EventType = "",
                ReceivedAt = now,
                Raw = messageText,
                LastError = lastError,
                FailedAt = now,
            };
        }

        var poison = clients.Queues.GetQueueClient(QueueName);
        var body = BinaryData.FromBytes(EnvelopeJson.Serialize(poisoned));
        try
        {
            await StorageCall.CreatingAsync(
                () => poison.SendMessageAsync(body, cancellationToken: cancellationToken),
                () => poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        }
        catch (Exception ex) when (StorageCall.IsFailure(ex, cancellationToken))
        {
            throw new QueueUnavailableException("Azure Storage did not accept the poison message.", ex);
        }

        metrics.Poisoned();
    }

    /// <summary>Messages here now (approximate), 0 when the queue does not exist, null when storage does not answer.</summary>
    public async Task<long?> DepthAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await clients.Queues.GetQueueClient(QueueName).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
        catch (Exception ex) when (StorageCall.IsFailure(ex, cancellationToken) || ex is TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// <see cref="DepthAsync"/> synchronously: it runs in the metrics gauge's callback, on the exporter's thread, once per collection.
    /// Synchronous: it runs in the metrics gauge's callback, on the exporter's thread, once per collection.
    /// </summary>
    public long? Depth()
    {
        try
        {
            return clients.Queues.GetQueueClient(QueueName).GetProperties().Value.ApproximateMessagesCount;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return 0;
        }
        catch (Exception ex) when (StorageCall.IsFailure(ex, CancellationToken.None) || ex is TimeoutException)
        {
            return null;
        }
    }
}
