using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FlexZendesk.Core.Storage;

namespace FlexZendesk.Standalone;

/// <summary>
/// Keeps a received message invisible while its function runs, in short leases (<c>Queues:LeaseSeconds</c>, 30 by
/// default) renewed every third of one, so a process killed mid-message (SIGKILL, a lost VM) lets the message come
/// back to another instance within one lease instead of after a long fixed one. The latest pop receipt settles it.
/// </summary>
/// <remarks>
/// The Functions host does the same with its own numbers (a 10-minute lease, renewed; not configurable): under the
/// host, a crashed instance's messages come back after up to 10 minutes. See docs/testing.md "Soak and crash safety".
/// </remarks>
internal sealed class MessageLease : IAsyncDisposable
{
    private readonly TimeSpan _length;
    private readonly QueueClient _queue;
    private readonly string _messageId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    public MessageLease(QueueClient queue, QueueMessage message, TimeSpan length)
    {
        _length = length;
        _queue = queue;
        _messageId = message.MessageId;
        PopReceipt = message.PopReceipt;
        _renewing = RenewAsync();
    }

    /// <summary>The receipt of the latest renewal: what deletes or updates the message now.</summary>
    public string PopReceipt { get; private set; }

    /// <summary>Stops renewing; a renewal already sent completes first, so <see cref="PopReceipt"/> is current.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewing;
        _stop.Dispose();
    }

    private async Task RenewAsync()
    {
        while (true)
        {
            try
            {
                await Task.Delay(_length / 3, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                // Not cancelled by the stop: a renewal cut off after the service applied it would leave a stale receipt.
                var renewed = await _queue.UpdateMessageAsync(_messageId, PopReceipt, visibilityTimeout: _length, cancellationToken: CancellationToken.None);
                PopReceipt = renewed.Value.PopReceipt;
            }
            catch (Exception ex) when (StorageCall.IsFailure(ex, CancellationToken.None))
            {
                // Storage away for a moment: the next renewal tries again; if the lease lapses meanwhile the message
                // may be delivered twice, which the ledger makes harmless.
            }
        }
    }
}
