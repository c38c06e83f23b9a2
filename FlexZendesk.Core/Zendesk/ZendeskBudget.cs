using System.Threading.RateLimiting;
using FlexZendesk.Core.Processing;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// Token buckets for Zendesk's limits, shared by every worker of this instance: the plan budget and the Update
/// Ticket limit. Each refills at 93 % of its per-minute limit with a burst of 5 %, so no minute ever exceeds
/// the limit (2 % is left for network jitter between our clock and Zendesk's) while sustained use stays at 93 %. Requests wait for tokens in arrival order; one that would wait
/// more than half of <c>Zendesk:TimeoutSeconds</c> fails as retryable with a Retry-After, and its message is rescheduled.
/// </summary>
public sealed class ZendeskBudget : IDisposable
{
    private readonly TimeSpan _maxWait;
    private readonly TokenBucketRateLimiter _requests;
    private readonly TokenBucketRateLimiter _updates;

    public ZendeskBudget(IOptions<ZendeskOptions> options)
    {
        // Requests queue first-come first-served for tokens; a retry would re-spend tokens on steps already done. The
        // wait runs inside the call's Zendesk:TimeoutSeconds, so it ends at half of it: a spent budget then reschedules
        // the message (no delivery spent) instead of timing out as "no answer" (a delivery spent, then poison).
        _maxWait = TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds / 2.0));
        _requests = Bucket(options.Value.RequestsPerMinute);
        _updates = Bucket(options.Value.TicketUpdatesPerMinute);
    }

    /// <summary>Takes a token for one request (and one update token for ticket updates), waiting at most half of Zendesk:TimeoutSeconds.</summary>
    public async Task AcquireAsync(bool ticketUpdate, CancellationToken cancellationToken)
    {
        await TakeAsync(_requests, "Zendesk:RequestsPerMinute", cancellationToken);
        if (ticketUpdate)
        {
            await TakeAsync(_updates, "Zendesk:TicketUpdatesPerMinute", cancellationToken);
        }
    }

    public void Dispose()
    {
        _requests.Dispose();
        _updates.Dispose();
    }

    private async Task TakeAsync(TokenBucketRateLimiter bucket, string limit, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(_maxWait);
        try
        {
            using var lease = await bucket.AcquireAsync(1, wait.Token);
            if (lease.IsAcquired)
            {
                return;
            }

            lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
            throw new RetryableException($"{limit} spent on this instance", retryAfter == default ? TimeSpan.FromSeconds(5) : retryAfter);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RetryableException($"{limit} spent on this instance", TimeSpan.FromSeconds(5));
        }
    }

    private static TokenBucketRateLimiter Bucket(int perMinute)
    {
        // burst + 60 s of refill = 5 % + 93 % of the limit: at most 98 % in any minute, 93 % sustained.
        var burst = Math.Max(1, perMinute / 20);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(60.0 / (0.93 * perMinute)),
            AutoReplenishment = true,
            QueueLimit = 1000,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }
}
