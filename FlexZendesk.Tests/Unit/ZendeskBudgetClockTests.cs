using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Options;

namespace FlexZendesk.UnitTests;

/// <summary>The instance's Zendesk budget on a fake clock: minutes of refill in milliseconds, and exact numbers.</summary>
[Category("Unit")]
public sealed class ZendeskBudgetClockTests
{
    [Test]
    public async Task TheBurstIsGrantedThenAWaitLongerThanHalfTheTimeoutIsRefusedWithRetryAfter()
    {
        var clock = new SignallingClock();
        // 1 per minute: a burst of 1, the next token 64.5 s later, beyond the 5 s a request may wait (half the 10 s timeout).
        var budget = new ZendeskBudget(Options.Create(new ZendeskOptions { RequestsPerMinute = 1, TicketUpdatesPerMinute = 1, TimeoutSeconds = 10 }), clock);

        await budget.AcquireAsync(ticketUpdate: false, CancellationToken.None);
        var second = budget.AcquireAsync(ticketUpdate: false, CancellationToken.None);
        Assert.That(second.IsCompleted, Is.False, "a refusal waits half the timeout first, spacing the retries");
        clock.Advance(TimeSpan.FromSeconds(5));
        var refused = await Assert.ThrowsAsync<RetryableException>(() => second);

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.Contain("Zendesk:RequestsPerMinute"));
            Assert.That(refused.RetryAfter!.Value.TotalSeconds, Is.EqualTo((60 / 0.93) - 5).Within(0.01), "when the next token comes, not a guess");
        });

        clock.Advance(TimeSpan.FromSeconds(59));
        var early = budget.AcquireAsync(ticketUpdate: false, CancellationToken.None);
        Assert.That(early.IsCompleted, Is.False, "half a second before the token: the request waits for it");
        clock.Advance(TimeSpan.FromSeconds(1));
        await early;
    }

    [Test]
    public async Task NoMinuteSpendsMoreThan98PercentAndTenMinutesSustain93Percent()
    {
        var clock = new SignallingClock();
        const int limit = 100;
        var budget = new ZendeskBudget(Options.Create(new ZendeskOptions { RequestsPerMinute = limit, TicketUpdatesPerMinute = limit, TimeoutSeconds = 10 }), clock);
        var period = TimeSpan.FromSeconds(60.0 / (0.93 * limit));
        var start = clock.GetUtcNow();
        var granted = new List<DateTimeOffset>();

        // A caller that always wants more: each request that has to wait gets exactly the next refill.
        while (clock.GetUtcNow() - start < TimeSpan.FromMinutes(10))
        {
            var request = budget.AcquireAsync(ticketUpdate: false, CancellationToken.None);
            if (!request.IsCompleted)
            {
                clock.Advance(period);
            }

            await request;
            granted.Add(clock.GetUtcNow());
        }

        var busiestMinute = granted.Max(t => granted.Count(g => g >= t && g < t + TimeSpan.FromMinutes(1)));
        Assert.Multiple(() =>
        {
            Assert.That(busiestMinute, Is.LessThanOrEqualTo(98), "burst 5 % + refill 93 %: Zendesk's per-minute limit is never reached");
            Assert.That(granted, Has.Count.GreaterThanOrEqualTo(925), "93 % of 1,000 requests over ten minutes, plus the burst");
        });
    }

    [Test]
    public async Task ATicketUpdateAlsoSpendsTheUpdateBudget()
    {
        var clock = new SignallingClock();
        var budget = new ZendeskBudget(Options.Create(new ZendeskOptions { RequestsPerMinute = 1000, TicketUpdatesPerMinute = 1, TimeoutSeconds = 10 }), clock);

        await budget.AcquireAsync(ticketUpdate: true, CancellationToken.None);
        await budget.AcquireAsync(ticketUpdate: false, CancellationToken.None);
        var update = budget.AcquireAsync(ticketUpdate: true, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(5));
        var refused = await Assert.ThrowsAsync<RetryableException>(() => update);

        Assert.That(refused!.Message, Does.Contain("Zendesk:TicketUpdatesPerMinute"));
    }
}
