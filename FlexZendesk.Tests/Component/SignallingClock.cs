using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace FlexZendesk.Tests.Component;

/// <summary>
/// A fake clock that says when code under test starts waiting on it (creates a timer of a given due time), so a test
/// advances time only once the wait exists: no race between the test's Advance and the code reaching its delay.
/// It also knows which timers are pending, so a test with many callers can advance exactly when all of them wait.
/// </summary>
internal sealed class SignallingClock() : FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero))
{
    private readonly ConcurrentDictionary<TimeSpan, SemaphoreSlim> _timers = new();
    private readonly List<DateTimeOffset> _pending = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var due = GetUtcNow() + dueTime;
        lock (_pending)
        {
            _pending.Add(due);
        }

        // A timer stops pending when it fires or when it is disposed first (a wait cut short), whichever comes first.
        var pending = 1;
        void Done()
        {
            if (Interlocked.Exchange(ref pending, 0) == 1)
            {
                lock (_pending)
                {
                    _pending.Remove(due);
                }
            }
        }

        var timer = base.CreateTimer(s =>
        {
            Done();
            callback(s);
        }, state, dueTime, period);
        Created(dueTime).Release();
        return new TrackedTimer(timer, Done);
    }

    private sealed class TrackedTimer(ITimer inner, Action done) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

        public void Dispose()
        {
            done();
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            done();
            return inner.DisposeAsync();
        }
    }

    /// <summary>
    /// Waits (in real time, bounded) until code under test has created one more timer due in <paramref name="dueTime"/>,
    /// in whole milliseconds as <see cref="Task.Delay(TimeSpan, TimeProvider)"/> passes it on.
    /// </summary>
    public async Task TimerCreatedAsync(TimeSpan dueTime)
    {
        dueTime = TimeSpan.FromMilliseconds(Math.Floor(dueTime.TotalMilliseconds));
        Assert.That(await Created(dueTime).WaitAsync(TimeSpan.FromSeconds(30)), Is.True, $"the code under test never started a {dueTime} wait");
    }

    /// <summary>
    /// Waits (in real time, bounded) until <paramref name="waiting"/> says how many callers should be waiting and that
    /// many timers are pending, then moves the clock to the earliest one, which fires it. False when nobody waits any more.
    /// </summary>
    public async Task<bool> AdvanceWhenAllWaitAsync(Func<int> waiting)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var expected = waiting();
            if (expected == 0)
            {
                return false;
            }

            DateTimeOffset? earliest = null;
            lock (_pending)
            {
                if (_pending.Count >= expected)
                {
                    earliest = _pending.Min();
                }
            }

            if (earliest is { } due)
            {
                // A pending time not in the future (the fake clock fires at whole milliseconds, and a timer being made on
                // another thread is counted just before the fake knows it) moves the clock one millisecond, the fake's
                // own step: Advance(0) fired nothing for it, and the test's loop advanced by zero forever (CI hung at
                // 100 % CPU in ThreeBusyInstances…).
                Advance(due > GetUtcNow() ? due - GetUtcNow() : TimeSpan.FromMilliseconds(1));
                return true;
            }

            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"{expected} callers should be waiting on the clock; {_pending.Count} are");
            await Task.Delay(1);
        }
    }

    private SemaphoreSlim Created(TimeSpan dueTime) => _timers.GetOrAdd(dueTime, _ => new SemaphoreSlim(0));
}
