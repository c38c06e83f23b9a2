namespace FlexZendesk.Core;

/// <summary>Waits that something else may cut short.</summary>
public static class Wait
{
    /// <summary>Waits <paramref name="time"/> on <paramref name="clock"/>, or less when <paramref name="woken"/> completes first; true when it did.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<bool> OrWokenAsync(TimeSpan time, Task? woken, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = time > TimeSpan.Zero ? Task.Delay(time, clock, cancel.Token) : Task.CompletedTask;
        var wokenFirst = await Task.WhenAny(delay, woken ?? delay) != delay;
        // Ends the timer of a wait cut short, rather than leaving it to run out.
        await cancel.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        return wokenFirst;
    }
}
