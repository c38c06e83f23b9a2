using Azure.Data.Tables;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// Zendesk's account-wide limits, the plan budget and the Update Ticket limit, spent by every instance together:
/// each is a schedule of turns (<see cref="TurnRule"/>: 93 % of the limit, a 4 % burst) kept in one row of the
/// <c>{Ledger:TablePrefix}Budget</c> table and leased by instances in slices (<see cref="SharedLimit"/>). A request
/// waits for its turn; one whose turn is more than half of <c>Zendesk:TimeoutSeconds</c> away takes no turn, waits that
/// half and then fails as retryable (Retry-After: when a turn is free again, at least that half), and its message is
/// rescheduled. The wait before failing is deliberate: it spaces a busy instance's retries, which would otherwise
/// come straight back and spend turns on first calls of work a later refusal breaks off.
/// </summary>
public sealed partial class ZendeskBudget : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly ILogger<ZendeskBudget> _logger;
    // The wait runs inside the call's Zendesk:TimeoutSeconds, so it ends at half of it: a spent budget then reschedules
    // the message (no delivery spent) instead of timing out as "no answer" (a delivery spent, then poison).
    private readonly TimeSpan _maxWait;
    private readonly SharedLimit _requests;
    private readonly SharedLimit _updates;

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
            new(setting, TurnRule.For(perMinute, _maxWait), new BudgetRow(table, account, rowKey, clock), clock);
        _requests = Limit("Zendesk:RequestsPerMinute", "requests", zendesk.RequestsPerMinute);
        _updates = Limit("Zendesk:TicketUpdatesPerMinute", "ticket-updates", zendesk.TicketUpdatesPerMinute);
    }

    /// <summary>What the plan budget and the Update Ticket budget have cost this instance so far.</summary>
    public (BudgetUse Requests, BudgetUse Updates) Use => (_requests.Use, _updates.Use);

    /// <summary>Waits for this request's turn (and a ticket update's turn for updates), at most half of Zendesk:TimeoutSeconds.</summary>
    /// <exception cref="RetryableException">No turn within that half; <see cref="RetryableException.RetryAfter"/> says when to come back.</exception>
    public async Task AcquireAsync(bool ticketUpdate, CancellationToken cancellationToken)
    {
        var turn = await _requests.TakeAsync(cancellationToken);
        var refusedBy = turn is null ? _requests : null;
        if (ticketUpdate && turn is { } requestTurn)
        {
            var update = await _updates.TakeAsync(cancellationToken);
            if (update is null)
            {
                // Not spent: another request of this instance may still use it.
                _requests.Return(requestTurn);
                refusedBy = _updates;
            }
            else if (update > requestTurn)
            {
                turn = update;
            }
        }

        if (refusedBy is not null)
        {
            await Task.Delay(_maxWait, _clock, cancellationToken);
            var retryAfter = refusedBy.WaitForTurn();
            throw new RetryableException($"{refusedBy.Limit} spent (shared by every instance)", retryAfter > _maxWait ? retryAfter : _maxWait) { NotSent = true };
        }

        var wait = turn!.Value - _clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _clock, cancellationToken);
        }
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
