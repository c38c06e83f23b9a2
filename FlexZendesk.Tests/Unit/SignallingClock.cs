using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace FlexZendesk.UnitTests;

/// <summary>
/// A fake clock that says when code under test starts waiting on it (creates a timer of a given due time), so a test
/// advances time only once the wait exists: no race between the test's Advance and the code reaching its delay.
/// </summary>
internal sealed class SignallingClock() : FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero))
{
    private readonly ConcurrentDictionary<TimeSpan, SemaphoreSlim> _timers = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Created(dueTime).Release();
        return timer;
    }

    /// <summary>Waits (in real time, bounded) until code under test has created one more timer due in <paramref name="dueTime"/>.</summary>
    public async Task TimerCreatedAsync(TimeSpan dueTime)
    {
        Assert.That(await Created(dueTime).WaitAsync(TimeSpan.FromSeconds(30)), Is.True, $"the code under test never started a {dueTime} wait");
    }

    private SemaphoreSlim Created(TimeSpan dueTime) => _timers.GetOrAdd(dueTime, _ => new SemaphoreSlim(0));
}
