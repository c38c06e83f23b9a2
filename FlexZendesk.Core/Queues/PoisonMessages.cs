using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues.Models;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Storage;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core.Text;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Queues;

/// <summary>
/// <c>&lt;events queue&gt;-poison</c>, the host's name for it: messages that can never be processed, each with the
/// reason, replayable once the cause is fixed. It owns the poison format both ways: what <see cref="SendAsync"/> wraps,
/// <see cref="ReplayAsync"/> unwraps.
/// </summary>
public sealed class PoisonMessages(StorageClients clients, IOptions<QueueOptions> options, FlexZendeskMetrics metrics, TimeProvider clock)
{
    /// <summary>The source of a message that was no envelope, wrapped with its text in <c>raw</c>.</summary>
    private const string Unreadable = "unknown";

    /// <summary>At most this many poison messages are looked at per replay; the next replay goes on.</summary>
    private const int MaxPerReplay = 5000;

    public string QueueName => options.Value.EventsQueue + "-poison";

    /// <summary>
    /// Moves a message here carrying <paramref name="lastError"/>: an envelope keeps its fields (replayable as is);
    /// anything else is wrapped, its text in <c>raw</c>.
    /// </summary>
    /// <exception cref="QueueUnavailableException">Storage did not take it (the message stays where it was).</exception>
    public async Task SendAsync(string messageText, string lastError, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var poisoned = Read(Encoding.UTF8.GetBytes(messageText)) is { } envelope
            ? envelope with { LastError = lastError, FailedAt = now }
            : new FlexEventEnvelope
            {
                Id = "unreadable:" + Hashes.Sha256Hex(messageText, 32),
                Source = Unreadable,
                EventType = "",
                ReceivedAt = now,
                Raw = messageText,
                LastError = lastError,
                FailedAt = now,
            };

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

    /// <summary>
    /// Puts poison messages back on the events queue, all or those whose envelope id or message id is in
    /// <paramref name="ids"/>, as they first came (an envelope without its last error, a wrapped message as its text).
    /// Messages not named stay here, invisible for 30 s while a replay runs.
    /// </summary>
    /// <exception cref="QueueUnavailableException">Storage did not answer; what was replayed so far stays replayed.</exception>
    public async Task<PoisonReplay> ReplayAsync(IReadOnlySet<string>? ids, CancellationToken cancellationToken)
    {
        var poison = clients.Queues.GetQueueClient(QueueName);
        var events = clients.Queues.GetQueueClient(options.Value.EventsQueue);
        int replayed = 0, skipped = 0, unreadable = 0;
        try
        {
            while (replayed + skipped + unreadable < MaxPerReplay)
            {
                QueueMessage[] batch = await poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), cancellationToken);
                if (batch.Length == 0)
                {
                    break;
                }

                foreach (var message in batch)
                {
                    if (Read(message.Body.ToMemory().Span) is not { } envelope)
                    {
                        unreadable++;
                    }
                    else if (ids is not null && !ids.Contains(envelope.Id) && !ids.Contains(message.MessageId))
                    {
                        skipped++;
                    }
                    else
                    {
                        await events.SendMessageAsync(Original(envelope), cancellationToken: cancellationToken);
                        await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                        replayed++;
                    }
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No poison queue yet: nothing was ever poisoned.
        }
        catch (Exception ex) when (StorageCall.IsFailure(ex, cancellationToken))
        {
            throw new QueueUnavailableException($"Azure Storage did not answer during the poison replay ({StorageCall.Describe(ex)}) after {replayed} replayed.", ex);
        }

        return new(replayed, skipped, unreadable);
    }

    /// <summary>The envelope a message is (one this app enqueued or poisoned), or null when it is none.</summary>
    private static FlexEventEnvelope? Read(ReadOnlySpan<byte> message)
    {
        try
        {
            return EnvelopeJson.Deserialize(message);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The message as it first came: a wrapped one as its text, an envelope without its failure.</summary>
    private static BinaryData Original(FlexEventEnvelope envelope) =>
        envelope.Raw is not null && envelope.Source == Unreadable
            ? BinaryData.FromString(envelope.Raw)
            : BinaryData.FromBytes(EnvelopeJson.Serialize(envelope with { LastError = null, FailedAt = null }));

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

/// <summary>What a poison replay did: messages put back, left (not named), and unreadable (never an envelope or wrapped one).</summary>
public sealed record PoisonReplay(int Replayed, int Skipped, int Unreadable);
