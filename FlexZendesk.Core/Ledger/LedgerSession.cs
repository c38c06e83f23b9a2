
namespace FlexZendesk.Core.Ledger;

/// <summary>
/// One task's ledger for the processing of one event: loaded once by <see cref="LedgerStore.OpenAsync"/>, passed
/// through the processing steps, saved after each effect. The steps decide what to record; only this type loads,
/// saves, reloads and waits, so the ledger has one owner. A save that loses to another worker reloads
/// <see cref="Ledger"/>, and the step looks again at what is there now.
/// </summary>
public sealed class LedgerSession
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan ComeBack = TimeSpan.FromSeconds(2);

    private readonly LedgerStore _store;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _claimTimeout;

    internal LedgerSession(LedgerStore store, TaskLedger ledger, TimeProvider clock, TimeSpan claimTimeout)
    {
        _store = store;
        _clock = clock;
        _claimTimeout = claimTimeout;
        Ledger = ledger;
    }

    public TaskLedger Ledger { get; private set; }

    /// <summary>This event's processing, as the owner of the claims it makes.</summary>
    public string Owner { get; } = Guid.NewGuid().ToString("N");

    public Claim NewClaim() => new(Owner, _clock.GetUtcNow());

    public bool IsMine(Claim claim) => claim.Owner == Owner;

    /// <summary>Another worker's claim, recent enough to trust that it is still working.</summary>
    public bool IsHeldElsewhere(Claim? claim) => claim is not null && !IsMine(claim) && !claim.IsStale(_clock.GetUtcNow(), _claimTimeout);

    /// <summary>Applies and saves <paramref name="change"/> if nobody wrote since the load; false: reloaded, look again.</summary>
    public async Task<bool> TryRecordAsync(Action<TaskLedger> change, CancellationToken cancellationToken)
    {
        change(Ledger);
        if (await _store.TrySaveAsync(Ledger, cancellationToken))
        {
            return true;
        }

        await ReloadAsync(cancellationToken);
        return false;
    }

    /// <summary>Records a change that is right whatever else was recorded meanwhile (an effect done), re-applying it after a reload.</summary>
    public async Task RecordAsync(Action<TaskLedger> change, CancellationToken cancellationToken) =>
        Ledger = await _store.UpdateAsync(Ledger, change, cancellationToken);

    /// <summary>
    /// On a failure path, before the exception goes on: applies <paramref name="change"/> to this worker's own claim
    /// (<paramref name="claim"/> picks it out of the ledger) and saves it, re-applying it after a reload for as long as
    /// the claim is still this worker's. A save lost to a write of other fields (another event of the task) must not
    /// leave the claim standing: the task's next delivery would wait it out, up to Ledger:ClaimTimeoutSeconds. Once
    /// another worker's claim, or no claim, is there, the ledger is left as it is.
    /// </summary>
    public async Task RecordOnOwnClaimAsync(Func<TaskLedger, Claim?> claim, Action<TaskLedger> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10 && claim(Ledger) is { } held && IsMine(held); attempt++)
        {
            change(Ledger);
            if (await _store.TrySaveAsync(Ledger, cancellationToken))
            {
                return;
            }

            await ReloadAsync(cancellationToken);
        }
    }

    public async Task ReloadAsync(CancellationToken cancellationToken) =>
        Ledger = await _store.LoadAsync(Ledger.TaskSid, cancellationToken);

    /// <summary>
    /// Another worker holds a fresh claim (a duplicate or concurrent event of the task): wait a little for it to
    /// finish rather than failing the message, then give up as retryable with a short Retry-After, so the message is
    /// rescheduled without spending a delivery (the other worker is busy, e.g. waiting for Zendesk budget turns; this
    /// message did nothing wrong). A claim whose owner died expires after Ledger:ClaimTimeoutSeconds, which bounds it.
    /// </summary>
    public async Task WaitUntilAsync(Func<TaskLedger, bool> canProceed, string what, CancellationToken cancellationToken)
    {
        var deadline = _clock.GetUtcNow() + Patience;
        while (true)
        {
            await Task.Delay(Poll, _clock, cancellationToken);
            await ReloadAsync(cancellationToken);
            if (canProceed(Ledger))
            {
                return;
            }

            if (_clock.GetUtcNow() > deadline)
            {
                throw new RetryableException($"{what} is in progress in another worker", ComeBack);
            }
        }
    }
}
