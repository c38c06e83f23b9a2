using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Storage;
using FlexZendesk.Core.Zendesk;
using FlexZendesk.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Tests.Component;

/// <summary>
/// Zendesk's account budget shared by several instances through one table row (Azurite), on a fake clock: minutes
/// of refill in milliseconds, and exact numbers. Each <see cref="ZendeskBudget"/> here is one instance.
/// </summary>
[Category("Component")]
public sealed class ZendeskBudgetClockTests
{
    private readonly List<ZendeskBudget> _instances = [];
    private string _prefix = "";

    [SetUp]
    public void NewAccount() => _prefix = "B" + Guid.NewGuid().ToString("N")[..12];

    [TearDown]
    public void StopInstances()
    {
        _instances.ForEach(b => b.Dispose());
        _instances.Clear();
    }

    [Test]
    public async Task AnotherInstanceFindsTheBudgetSpentAndIsToldWhenATurnComes()
    {
        var clock = new SignallingClock();
        // 1 per minute: one turn now, the next 63.2 s later, beyond the 5 s a request may wait (half the 10 s timeout).
        var first = await InstanceAsync(clock, requestsPerMinute: 1);
        var second = await InstanceAsync(clock, requestsPerMinute: 1);

        await first.AcquireAsync(ticketUpdate: false, CancellationToken.None);
        var refusal = second.AcquireAsync(ticketUpdate: false, CancellationToken.None);
        await clock.TimerCreatedAsync(TimeSpan.FromSeconds(5));
        Assert.That(refusal.IsCompleted, Is.False, "a refusal waits half the timeout first, spacing the retries");
        clock.Advance(TimeSpan.FromSeconds(5));
        var refused = await Assert.ThrowsAsync<RetryableException>(() => refusal);

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.Contain("Zendesk:RequestsPerMinute spent (shared by every instance)"));
            Assert.That(refused.RetryAfter!.Value.TotalSeconds, Is.EqualTo(Interval(1).TotalSeconds - 5).Within(0.01), "when the next turn comes, not a guess");
        });

        var turn = Interval(1);
        var advance = turn - TimeSpan.FromSeconds(5.5);
        clock.Advance(advance);
        var early = second.AcquireAsync(ticketUpdate: false, CancellationToken.None);
        await clock.TimerCreatedAsync(turn - TimeSpan.FromSeconds(5) - advance);
        Assert.That(early.IsCompleted, Is.False, "half a second before the turn: the request waits for it");
        clock.Advance(TimeSpan.FromSeconds(1));
        await early;
    }

    [Test]
    public async Task ThreeBusyInstancesTogetherNeverExceedTheLimitInAnyMinuteAndUseOver90PercentOfIt()
    {
        var clock = new SignallingClock();
        const int limit = 100;
        var instances = new List<ZendeskBudget>();
        for (var i = 0; i < 3; i++)
        {
            instances.Add(await InstanceAsync(clock, limit));
        }

        var start = clock.GetUtcNow();
        var end = start + TimeSpan.FromMinutes(5);
        var granted = new List<DateTimeOffset>();
        var running = 0;
        // Sixteen callers per instance (the listener's parallel deliveries) that always want more.
        async Task CallerAsync(ZendeskBudget budget)
        {
            await Task.Yield();
            while (clock.GetUtcNow() < end)
            {
                try
                {
                    await budget.AcquireAsync(ticketUpdate: false, CancellationToken.None);
                    lock (granted)
                    {
                        granted.Add(clock.GetUtcNow());
                    }
                }
                catch (RetryableException ex) when (ex.RetryAfter is not null)
                {
                    // Refused after waiting half the timeout: the worker takes the next message, which asks again.
                }
            }

            Interlocked.Decrement(ref running);
        }

        running = instances.Count * 16;
        var callers = instances.SelectMany(b => Enumerable.Range(0, 16).Select(_ => CallerAsync(b))).ToList();
        while (await clock.AdvanceWhenAllWaitAsync(() => Volatile.Read(ref running)))
        {
        }

        await Task.WhenAll(callers);
        var inWindow = granted.Where(t => t < end).Order().ToList();
        var perClockMinute = inWindow.GroupBy(t => (t - start).Ticks / TimeSpan.TicksPerMinute).Select(g => g.Count()).ToList();
        var busiestSliding = inWindow.Max(t => inWindow.Count(g => g >= t && g < t + TimeSpan.FromMinutes(1)));
        var use = instances.Select(b => b.Use.Requests).ToList();
        TestContext.Out.WriteLine($"{use.Sum(u => u.StorageCalls)} storage calls for {inWindow.Count} turns; per minute {string.Join(", ", perClockMinute)}");
        Assert.Multiple(() =>
        {
            Assert.That(perClockMinute, Has.Count.EqualTo(5));
            Assert.That(busiestSliding, Is.LessThanOrEqualTo(limit), "no 60 s, clock minute or not, holds more than the account's limit");
            Assert.That(perClockMinute.Min(), Is.GreaterThanOrEqualTo(90), "every minute uses at least 90 % of the budget: " + string.Join(", ", perClockMinute));
            Assert.That(use.Sum(u => u.StorageCalls), Is.LessThan(inWindow.Count * 3 / 4), "turns are leased in slices, not one storage call each (measured: 0.39 per turn)");
            Assert.That(use.Sum(u => u.Lapsed), Is.Zero, "busy instances use every turn they lease");
        });
    }

    [Test]
    public async Task ABusyInstanceLeasesItsCallersTurnsInOneSlice()
    {
        var clock = new SignallingClock();
        var budget = await InstanceAsync(clock, requestsPerMinute: 2500);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => budget.AcquireAsync(ticketUpdate: false, CancellationToken.None)));

        // The first caller leases alone (read + insert); the 15 that queued behind it share the next lease (one write).
        Assert.Multiple(() =>
        {
            Assert.That(budget.Use.Requests.StorageCalls, Is.EqualTo(3));
            Assert.That(budget.Use.Requests.Leased, Is.InRange(16, 17), "a slice the size of the demand: 15 waiting, 16 asked in the last second");
        });
    }

    [Test]
    public async Task TheSliceOfAnInstanceThatDiedLapsesAndTheOthersCarryOn()
    {
        var clock = new SignallingClock();
        // 120 per minute: a turn every 0.526 s, a burst of 2, and turns given out at most 2.5 s ahead (half the 5 s timeout).
        var dying = await InstanceAsync(clock, requestsPerMinute: 120, timeoutSeconds: 5);
        var survivor = await InstanceAsync(clock, requestsPerMinute: 120, timeoutSeconds: 5);
        var interval = Interval(120);
        // The first caller leases 1 turn; the 3 that queued behind it lease 4 (3 waiting, 4 asked), and wait for theirs.
        var callers = Enumerable.Range(0, 4).Select(_ => dying.AcquireAsync(ticketUpdate: false, CancellationToken.None)).ToList();
        await clock.TimerCreatedAsync(interval);
        await clock.TimerCreatedAsync(interval * 2);

        // The instance dies before those turns come, holding one more it never handed out: nothing is given back.
        var slice = dying.Use.Requests.Leased;
        var next = survivor.AcquireAsync(ticketUpdate: false, CancellationToken.None);
        await clock.TimerCreatedAsync(interval * 4);
        clock.Advance(interval * 4);
        await next;

        Assert.Multiple(() =>
        {
            Assert.That(slice, Is.EqualTo(5), "the dead instance held a slice: a burst of 2, then turns 1, 2 and 3 intervals ahead");
            Assert.That(survivor.Use.Requests.Leased, Is.GreaterThanOrEqualTo(1), "the survivor's turn is the first after the dead slice, within the 2.5 s horizon: no refusal");
        });
        GC.KeepAlive(callers);
    }

    [Test]
    public async Task WhileTheBudgetBindsAReadYieldsToAWriteThatAsksAfterIt()
    {
        var clock = new SignallingClock();
        // 120 per minute: a turn every 0.526 s, a burst of 2; a write may wait 2.5 s for its turn, a read 1.25 s.
        var budget = await InstanceAsync(clock, requestsPerMinute: 120, timeoutSeconds: 5);
        var interval = Interval(120);
        await budget.AcquireAsync(ticketUpdate: false, read: false, CancellationToken.None);
        await budget.AcquireAsync(ticketUpdate: false, read: false, CancellationToken.None);
        var third = budget.AcquireAsync(ticketUpdate: false, read: false, CancellationToken.None);
        await clock.TimerCreatedAsync(interval);
        var fourth = budget.AcquireAsync(ticketUpdate: false, read: false, CancellationToken.None);
        await clock.TimerCreatedAsync(interval * 2);

        // The next free turn is 1.6 s away: too far for a read (a new task's search), not for a write (a note). The
        // read asks again when that turn comes within its 1.25 s; the write, asking after it, takes that turn meanwhile.
        var read = budget.AcquireAsync(ticketUpdate: false, read: true, CancellationToken.None);
        await clock.TimerCreatedAsync((interval * 3) - ReadReach);
        var write = budget.AcquireAsync(ticketUpdate: false, read: false, CancellationToken.None);
        await clock.TimerCreatedAsync(interval * 3);
        clock.Advance(interval * 3);
        await Task.WhenAll(third, fourth, write);
        await clock.TimerCreatedAsync(interval);
        Assert.That(read.IsCompleted, Is.False, "the write took the turn the read could not reach; the read has the next one");
        clock.Advance(interval);
        await read;

        Assert.That(budget.Use.Requests.Lapsed, Is.Zero);
    }

    [Test]
    public async Task ARefusedCallerTakesATurnItsInstanceLeasesWhileItWaits()
    {
        var clock = new SignallingClock();
        // 120 per minute: a turn every 0.526 s, a burst of 2; a write may wait 2.5 s for its turn, a read 1.25 s.
        var other = await InstanceAsync(clock, requestsPerMinute: 120, timeoutSeconds: 5);
        var budget = await InstanceAsync(clock, requestsPerMinute: 120, timeoutSeconds: 5);
        var interval = Interval(120);
        // The other instance takes the burst and holds the turn after it; this one's first read takes the turn 2 intervals
        // ahead. The next free turn is then 1.6 s away: too far for a second read, which has no turn here either.
        await other.AcquireAsync(ticketUpdate: false, read: false, CancellationToken.None);
        await other.AcquireAsync(ticketUpdate: false, read: false, CancellationToken.None);
        var first = budget.AcquireAsync(ticketUpdate: false, read: true, CancellationToken.None);
        await clock.TimerCreatedAsync(interval * 2);
        var second = budget.AcquireAsync(ticketUpdate: false, read: true, CancellationToken.None);
        await clock.TimerCreatedAsync(ReadReach * 2);

        // A write asks meanwhile and leases a slice for this instance's demand (three asks in the last second): its own
        // turn and the two after it, the first of which comes within the refused read's reach 0.86 s from now. The read
        // takes it then, instead of sleeping out its 2.5 s while that turn lapses.
        var write = budget.AcquireAsync(ticketUpdate: false, read: false, CancellationToken.None);
        await clock.TimerCreatedAsync(interval * 3);
        await clock.TimerCreatedAsync((interval * 4) - ReadReach);
        clock.Advance((interval * 4) - ReadReach);
        await clock.TimerCreatedAsync(ReadReach);
        clock.Advance(ReadReach);
        await Task.WhenAll(first, write, second);

        Assert.Multiple(() =>
        {
            Assert.That(budget.Use.Requests.Leased, Is.EqualTo(4), "one turn for the first read, a slice of three for the write");
            Assert.That(budget.Use.Requests.Lapsed, Is.Zero);
        });
    }

    [TestCase(false, 2, TestName = "AnInstanceThatGetsEveryTurnItAsksForLeasesNoneForItsCallersReturn")]
    [TestCase(true, 3, TestName = "AnInstanceWhoseCallerWasRefusedLeasesATurnForItsCallersReturn")]
    public async Task ASliceCountsTheCallersHoldingATurnOnlyWhileTheInstanceIsRefused(bool refusedBefore, int leased)
    {
        var clock = new SignallingClock();
        // 30 per minute: a turn every 2.1 s, a burst of 1; a write may wait 5 s for its turn, a read 2.5 s.
        var other = await InstanceAsync(clock, requestsPerMinute: 30);
        var budget = await InstanceAsync(clock, requestsPerMinute: 30);
        var interval = Interval(30);
        await other.AcquireAsync(ticketUpdate: false, read: false, CancellationToken.None);
        var first = budget.AcquireAsync(ticketUpdate: false, read: false, CancellationToken.None);
        await clock.TimerCreatedAsync(interval);
        Task? read = null;
        if (refusedBefore)
        {
            // The next free turn is 4.2 s away: too far for a read, refused here.
            read = budget.AcquireAsync(ticketUpdate: false, read: true, CancellationToken.None);
            await clock.TimerCreatedAsync(TimeSpan.FromSeconds(5));
        }

        // 1.5 s later (the first ask no longer among the last second's), the first caller still holds a turn to come when
        // a second caller leases. Its slice holds a turn for the first caller's return only while this instance is short
        // of turns: with every ask served, that caller may be its last (at the end of a burst it is), and the turn would lapse.
        clock.Advance(TimeSpan.FromSeconds(1.5));
        var second = budget.AcquireAsync(ticketUpdate: false, read: false, CancellationToken.None);
        await clock.TimerCreatedAsync((interval * 2) - TimeSpan.FromSeconds(1.5));
        if (read is not null)
        {
            // The slice woke the refused read: it asks again (the held turn is beyond its reach and its deadline) and
            // waits out the 3.5 s left. Advancing the clock while it asks would let it lease from a schedule already free.
            await clock.TimerCreatedAsync(TimeSpan.FromSeconds(3.5));
        }

        var slices = budget.Use.Requests.Leased;

        clock.Advance(TimeSpan.FromSeconds(10));
        await Task.WhenAll(first, second);
        if (read is not null)
        {
            await Assert.ThrowsAsync<RetryableException>(() => read);
        }

        Assert.That(slices, Is.EqualTo(leased), "the first caller's turn, the second's, and one for the first caller's return only after a refusal");
    }

    [Test]
    public async Task ATicketUpdateAlsoSpendsTheSharedUpdateBudget()
    {
        var clock = new SignallingClock();
        var first = await InstanceAsync(clock, requestsPerMinute: 1000, ticketUpdatesPerMinute: 1);
        var second = await InstanceAsync(clock, requestsPerMinute: 1000, ticketUpdatesPerMinute: 1);

        await first.AcquireAsync(ticketUpdate: true, CancellationToken.None);
        await second.AcquireAsync(ticketUpdate: false, CancellationToken.None);
        var update = second.AcquireAsync(ticketUpdate: true, CancellationToken.None);
        await clock.TimerCreatedAsync(TimeSpan.FromSeconds(5));
        clock.Advance(TimeSpan.FromSeconds(5));
        var refused = await Assert.ThrowsAsync<RetryableException>(() => update);

        Assert.That(refused!.Message, Does.Contain("Zendesk:TicketUpdatesPerMinute"));
    }

    [Test]
    public async Task StorageAwayRefusesTheTurnAsRetryableAndSaysNothingWasSent()
    {
        using var dead = new FlexZendesk.Tests.Infrastructure.RefusingPort();
        var storage = new StorageClients(Options.Create(new StorageOptions
        {
            ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};TableEndpoint=http://127.0.0.1:{dead.Port}/devstoreaccount1;",
        }));
        using var budget = new ZendeskBudget(
            Options.Create(new ZendeskOptions { BaseUrl = "https://acme.zendesk.example.test", TimeoutSeconds = 10 }),
            Options.Create(new LedgerOptions { TablePrefix = _prefix }),
            storage,
            new SignallingClock(),
            NullLogger<ZendeskBudget>.Instance);

        var refused = await Assert.ThrowsAsync<RetryableException>(() => budget.AcquireAsync(ticketUpdate: false, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(refused!.NotSent, Is.True, "no turn, no request: a note's claim can be dropped, not checked against Zendesk");
            Assert.That(refused.Message, Does.StartWith("Zendesk budget requests: Azure Table"));
        });
    }

    // The schedule's turn interval at this many requests a minute: 95 % of the limit.
    private static TimeSpan Interval(int perMinute) => TimeSpan.FromSeconds(60 / (0.95 * perMinute));

    // How far ahead a read takes a turn with a 5 s Zendesk:TimeoutSeconds: a quarter of it (a write: half).
    private static readonly TimeSpan ReadReach = TimeSpan.FromSeconds(1.25);

    private async Task<ZendeskBudget> InstanceAsync(TimeProvider clock, int requestsPerMinute, int ticketUpdatesPerMinute = 100_000, int timeoutSeconds = 10)
    {
        var storage = new StorageClients(Options.Create(new StorageOptions { ConnectionString = TestEnvironment.StorageConnectionString }));
        var budget = new ZendeskBudget(
            Options.Create(new ZendeskOptions { BaseUrl = "https://acme.zendesk.example.test", RequestsPerMinute = requestsPerMinute, TicketUpdatesPerMinute = ticketUpdatesPerMinute, TimeoutSeconds = timeoutSeconds }),
            Options.Create(new LedgerOptions { TablePrefix = _prefix }),
            storage,
            clock,
            NullLogger<ZendeskBudget>.Instance);
        _instances.Add(budget);
        return budget;
    }
}
