using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;

namespace FlexZendesk.Core.Tickets;

internal static class LedgerWait
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Another worker holds a fresh claim (a duplicate delivery processed at the same time): wait a little for it
    /// to finish rather than failing the message, then give up as retryable.
    /// </summary>
    public static async Task<TaskLedger> UntilAsync(LedgerStore store, string taskSid, Func<TaskLedger, bool> canProceed, TimeProvider clock, string what, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + Patience;
        while (true)
        {
            await Task.Delay(Poll, clock, cancellationToken);
            var ledger = await store.LoadAsync(taskSid, cancellationToken);
            if (canProceed(ledger) || clock.GetUtcNow() > deadline)
            {
                return canProceed(ledger) ? ledger : throw new RetryableException($"{what} is in progress in another worker");
            }
        }
    }
}
