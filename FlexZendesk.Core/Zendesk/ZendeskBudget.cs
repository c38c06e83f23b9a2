using FlexZendesk.Core.Processing;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// Budgets for Zendesk's limits, shared by every worker of this instance: the plan budget and the Update Ticket limit.
/// Each is a token bucket that refills at 93 % of its per-minute limit with a burst of 5 %, so no minute ever exceeds
/// the limit (2 % is left for network jitter between our clock and Zendesk's) while sustained use stays at 93 %.
/// Requests are given their turn in arrival order; one whose turn is more than half of <c>Zendesk:TimeoutSeconds</c>
/// away takes no turn, waits that half and then fails as retryable (Retry-After: when a turn is near again, at least
/// that half), and its message is rescheduled. The wait before failing is deliberate: it spaces a busy instance's
/// retries, which would otherwise come straight back and spend turns on first calls of work a later refusal breaks off.
/// </summary>
/// <remarks>
/// The bucket is kept as its next free turn (the "generic cell rate algorithm", equivalent to a token bucket) on
/// <see cref="TimeProvider"/>, so it runs on a fake clock in tests. System.Threading.RateLimiting's token bucket reads
/// the machine's clock even when replenished by hand, which no test can drive.
/// </remarks>
public sealed class ZendeskBudget(IOptions<ZendeskOptions> options, TimeProvider clock)
{
    // The wait runs inside the call's Zendesk:TimeoutSeconds, so it ends at half of it: a spent budget then reschedules
    // the message (no delivery spent) instead of timing out as "no answer" (a delivery spent, then poison).
    private readonly TimeSpan _maxWait = TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds / 2.0));
    private readonly Bucket _requests = new(options.Value.RequestsPerMinute, "Zendesk:RequestsPerMinute", clock);
    private readonly Bucket _updates = new(options.Value.TicketUpdatesPerMinute, "Zendesk:TicketUpdatesPerMinute", clock);

    /// <summary>Waits for this request's turn (and a ticket update's turn for updates), at most half of Zendesk:TimeoutSeconds.</summary>
    /// <exception cref="RetryableException">No turn within that half; <see cref="RetryableException.RetryAfter"/> says when to come back.</exception>
    public async Task AcquireAsync(bool ticketUpdate, CancellationToken cancellationToken)
    {
        var wait = _requests.TryReserve(_maxWait);
        var refusedBy = wait is null ? _requests : null;
        if (ticketUpdate && refusedBy is null)
        {
            // Both turns are taken now, in arrival order; the request waits for the later one.
            var update = _updates.TryReserve(_maxWait);
            refusedBy = update is null ? _updates : null;
            wait = update > wait ? update : wait;
        }

        if (refusedBy is not null)
        {
            await Task.Delay(_maxWait, clock, cancellationToken);
            var retryAfter = refusedBy.WaitForTurn();
            throw new RetryableException($"{refusedBy.Limit} spent on this instance", retryAfter > _maxWait ? retryAfter : _maxWait);
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait.Value, clock, cancellationToken);
        }
    }

    private sealed class Bucket(int perMinute, string limit, TimeProvider clock)
    {
        private readonly TimeSpan _interval = TimeSpan.FromSeconds(60.0 / (0.93 * perMinute));
        private readonly int _burst = Math.Max(1, perMinute / 20);
        private readonly Lock _lock = new();
        private DateTimeOffset _nextTurn = DateTimeOffset.MinValue;

        public string Limit => limit;

        /// <summary>Takes the next turn and says how long until it comes; null (nothing taken) when that is beyond <paramref name="maxWait"/>.</summary>
        public TimeSpan? TryReserve(TimeSpan maxWait)
        {
            lock (_lock)
            {
                var (next, wait) = Next();
                if (wait > maxWait)
                {
                    return null;
                }

                _nextTurn = next;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        /// <summary>How long a turn taken now would wait.</summary>
        public TimeSpan WaitForTurn()
        {
            lock (_lock)
            {
                return Next().Wait;
            }
        }

        // A full bucket holds _burst tokens: turns may run up to _burst intervals ahead of now.
        private (DateTimeOffset Next, TimeSpan Wait) Next()
        {
            var now = clock.GetUtcNow();
            var next = (_nextTurn > now ? _nextTurn : now) + _interval;
            return (next, next - now - (_interval * _burst));
        }
    }
}
