namespace FlexZendesk.Core.Queues;

/// <summary>
/// Tells this process's queue listener that this process just enqueued an event, so it receives now instead of at the
/// end of its polling back-off. Only the no-host runner listens to it (the Functions host's queue listener lives in
/// the host process and polls); events another instance enqueued are found by polling as before.
/// </summary>
public sealed class EnqueueSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Notify"/>: take it before a receive, await it after an empty one, and no enqueue in between is missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
