using FlexZendesk.Core.Queues;
using FlexZendesk.Standalone;

namespace FlexZendesk.UnitTests;

/// <summary>
/// The no-host listener, backed off on an empty queue, receives as soon as this process enqueues. Each wait here is
/// ten minutes unless woken, against a 30 s bound: a broken wake fails, a working one cannot miss the bound.
/// </summary>
[Category("Unit")]
public sealed class EnqueueWakeTests
{
    private static readonly TimeSpan LongIdle = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Test]
    public async Task AnEnqueueEndsTheListenersIdleWaitAtOnce()
    {
        var signal = new EnqueueSignal();
        var wait = QueueListener.IdleAsync(LongIdle, signal.Next, CancellationToken.None);
        Assert.That(wait.IsCompleted, Is.False, "it waits while nothing is enqueued");

        signal.Notify();

        Assert.That(await wait.WaitAsync(Bound), Is.True, "woken, not timed out");
    }

    [Test]
    public async Task AnEnqueueDuringTheReceiveIsNotMissed()
    {
        // The listener takes Next before it receives; an enqueue that lands while the receive runs ends the next wait.
        var signal = new EnqueueSignal();
        var takenBeforeReceive = signal.Next;
        signal.Notify();

        Assert.Multiple(async () =>
        {
            Assert.That(await QueueListener.IdleAsync(LongIdle, takenBeforeReceive, CancellationToken.None).WaitAsync(Bound), Is.True);
            Assert.That(signal.Next.IsCompleted, Is.False, "a wait taken after that enqueue waits for the next one");
        });
    }

    [Test]
    public async Task WithoutAnEnqueueTheWaitRunsItsCourse()
    {
        var never = new TaskCompletionSource().Task;
        Assert.Multiple(async () =>
        {
            Assert.That(await QueueListener.IdleAsync(TimeSpan.FromMilliseconds(10), never, CancellationToken.None), Is.False);
            Assert.That(await QueueListener.IdleAsync(TimeSpan.FromMilliseconds(10), null, CancellationToken.None), Is.False, "Queues:WakeOnEnqueue=false");
        });
    }

    [Test]
    public void StoppingEndsTheWait()
    {
        using var stopping = new CancellationTokenSource();
        var wait = QueueListener.IdleAsync(LongIdle, new TaskCompletionSource().Task, stopping.Token);
        stopping.Cancel();
        Assert.That(async () => await wait.WaitAsync(Bound), Throws.InstanceOf<OperationCanceledException>());
    }
}
