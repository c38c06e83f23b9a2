using FlexZendesk.Core.Processing;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// Budgets for Zendesk's limits, shared by every worker of this instance: the plan budget and the Update Ticket limit.
/// Each is a token bucket that refills at 93 % of its per-minute limit with a burst of 5 %, so no minute ever exceeds
/// the limit (2 % is left for network jitter between our clock and Zendesk's) while sustained use stays at 93 %.
/// Requests are given their turn in arrival order; one whose turn is more than half of <c>Zendesk:TimeoutSeconds</c>
/// away is refused at once as retryable with that wait as its Retry-After, and its message is rescheduled.
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
    /// <exception cref="RetryableException">The turn is further away; <see cref="RetryableException.RetryAfter"/> says when it comes.</exception>
    public async Task AcquireAsync(bool ticketUpdate, CancellationToken cancellationToken)
    {
        var wait = _requests.Reserve(_maxWait);
        if (ticketUpdate)
        {
            // Both turns are taken now, in arrival order; the request waits for the later one.
            var update = _updates.Reserve(_maxWait);
            wait = update > wait ? update : wait;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, cancellationToken);
        }
    }

    private sealed class Bucket(int perMinute, string limit, TimeProvider clock)
    {
        private readonly TimeSpan _interval = TimeSpan.FromSeconds(60.0 / (0.93 * perMinute));
        private readonly int _burst = Math.Max(1, perMinute / 20);
        private readonly Lock _lock = new();
        private DateTimeOffset _nextTurn = DateTimeOffset.MinValue;

        /// <summary>Takes the next turn and says how long until it comes; refuses (taking nothing) when that is beyond <paramref name="maxWait"/>.</summary>
        public TimeSpan Reserve(TimeSpan maxWait)
        {
            lock (_lock)
            {
                var now = clock.GetUtcNow();
                // A full bucket holds _burst tokens: turns may run up to _burst intervals ahead of now.
                var next = (_nextTurn > now ? _nextTurn : now) + _interval;
                var wait = next - now - (_interval * _burst);
                if (wait > maxWait)
                {
                    throw new RetryableException($"{limit} spent on this instance", wait);
                }

                _nextTurn = next;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }
    }
}
