using Azure.Data.Tables;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// Zendesk's account-wide limits (the plan budget, the Update Ticket limit) spent by every instance together: a request
/// waits for its turn up to half of <c>Zendesk:TimeoutSeconds</c> (a read a quarter, so writes go first), else its
/// message is rescheduled. The design and why: docs/budget.md.
/// </summary>
public sealed partial class ZendeskBudget : IDisposable
{
    // Between two asks of one refused caller, so that asking again always lets time pass.
    private static readonly TimeSpan MinimumPause = TimeSpan.FromMilliseconds(1);
    private readonly ILogger<ZendeskBudget> _logger;
    // The wait runs inside the call's Zendesk:TimeoutSeconds, so it ends at half of it: a spent budget then reschedules
    // the message (no delivery spent) instead of timing out as "no answer" (a delivery spent, then poison).
    private readonly TimeSpan _maxWait;
    private readonly SharedLimit _requests;
    private readonly SharedLimit _updates;
    private readonly TimeProvider _clock;

    public ZendeskBudget(IOptions<ZendeskOptions> options, IOptions<LedgerOptions> ledger, StorageClients storage, TimeProvider clock, ILogger<ZendeskBudget> logger)
    {
        _clock = clock;
        _logger = logger;
        var zendesk = options.Value;
        _maxWait = TimeSpan.FromSeconds(Math.Max(1, zendesk.TimeoutSeconds / 2.0));
        var table = new Lazy<TableClient>(() => storage.Tables.GetTableClient(ledger.Value.TablePrefix + "Budget"));
        // The budget belongs to the Zendesk account: apps on one storage account that call different Zendesk accounts do not share it.
        var account = new Uri(zendesk.BaseUrl).Authority.ToLowerInvariant();
        SharedLimit Limit(string setting, string rowKey, int perMinute) =>
            new(setting, TurnRule.For(perMinute, _maxWait), new BudgetRow(table, account, rowKey, clock), clock, logger);
        _requests = Limit("Zendesk:RequestsPerMinute", "requests", zendesk.RequestsPerMinute);
        _updates = Limit("Zendesk:TicketUpdatesPerMinute", "ticket-updates", zendesk.TicketUpdatesPerMinute);
    }

    /// <summary>What the plan budget and the Update Ticket budget have cost this instance so far.</summary>
    public (BudgetUse Requests, BudgetUse Updates) Use => (_requests.Use, _updates.Use);

    /// <summary>Waits for this request's turn (and a ticket update's turn for updates), at most half of Zendesk:TimeoutSeconds.</summary>
    /// <exception cref="RetryableException">No turn within that half; <see cref="RetryableException.RetryAfter"/> says when to come back.</exception>
    public Task AcquireAsync(bool ticketUpdate, CancellationToken cancellationToken) =>
        AcquireAsync(ticketUpdate, read: false, cancellationToken);

    /// <summary>
    /// As <see cref="AcquireAsync(bool, CancellationToken)"/>; a <paramref name="read"/> takes a turn only up to half as
    /// far ahead, so writes that finish begun work go before reads that begin new work (docs/budget.md, Rules).
    /// </summary>
    public async Task AcquireAsync(bool ticketUpdate, bool read, CancellationToken cancellationToken)
    {
        var deadline = _clock.GetUtcNow() + _maxWait;
        var farthest = read ? _maxWait / 2 : _maxWait;
        for (var again = false; ; again = true)
        {
            var left = deadline - _clock.GetUtcNow();
            var (turn, refusedBy) = await TryTakeAsync(ticketUpdate, farthest < left ? farthest : left, again, cancellationToken);
            if (refusedBy is null)
            {
                await DelayUntilAsync(turn, cancellationToken);
                return;
            }

            // Asks again when a held turn comes within reach, or when this instance gets turns; never for the shared
            // schedule's next free turn (a storage call, contended by other instances' callers).
            var arrived = refusedBy.TurnsArrived;
            var now = _clock.GetUtcNow();
            if (refusedBy.HeldTurn() is { } held && held <= deadline)
            {
                var soonest = now + MinimumPause;
                await DelayUntilAsync(held - farthest > soonest ? held - farthest : soonest, arrived, cancellationToken);
            }
            else if (now < deadline)
            {
                await DelayUntilAsync(deadline, arrived, cancellationToken);
            }
            else
            {
                var retryAfter = refusedBy.WaitForTurn();
                throw new RetryableException($"{refusedBy.Limit} spent (shared by every instance)", retryAfter > _maxWait ? retryAfter : _maxWait) { NotSent = true };
            }
        }
    }

    private Task DelayUntilAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var wait = at - _clock.GetUtcNow();
        return wait > TimeSpan.Zero ? Task.Delay(wait, _clock, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Waits until <paramref name="at"/>, or less when <paramref name="woken"/> completes first; true when it did.</summary>
    private Task<bool> DelayUntilAsync(DateTimeOffset at, Task woken, CancellationToken cancellationToken) =>
        Wait.OrWokenAsync(at - _clock.GetUtcNow(), woken, _clock, cancellationToken);

    /// <returns>The turn (for a ticket update, the later of its two), or the limit that has none within <paramref name="reach"/>.</returns>
    private async Task<(DateTimeOffset Turn, SharedLimit? RefusedBy)> TryTakeAsync(bool ticketUpdate, TimeSpan reach, bool again, CancellationToken cancellationToken)
    {
        if (await _requests.TakeAsync(reach, again, cancellationToken) is not { } turn)
        {
            return (default, _requests);
        }

        if (!ticketUpdate)
        {
            return (turn, null);
        }

        if (await _updates.TakeAsync(reach, again, cancellationToken) is not { } update)
        {
            // Not spent: another request of this instance may still use it.
            _requests.Return(turn);
            return (default, _updates);
        }

        return (update > turn ? update : turn, null);
    }

    /// <summary>Logs what the shared budget cost this instance over its life: the storage transactions per Zendesk call.</summary>
    public void Dispose()
    {
        var (requests, updates) = Use;
        if (requests.Leased + updates.Leased > 0)
        {
            LogUse(_logger, requests.Leased, requests.Lapsed, requests.StorageCalls, updates.Leased, updates.Lapsed, updates.StorageCalls);
        }

        _requests.Dispose();
        _updates.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Zendesk budget on this instance: {RequestTurns} request turns leased ({RequestTurnsLapsed} lapsed unused) for {RequestStorageCalls} storage transactions; {UpdateTurns} ticket-update turns ({UpdateTurnsLapsed} lapsed) for {UpdateStorageCalls}")]
    private static partial void LogUse(ILogger logger, long requestTurns, long requestTurnsLapsed, long requestStorageCalls, long updateTurns, long updateTurnsLapsed, long updateStorageCalls);
}
