using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Queues;

public enum SettleAction
{
    Delete,
    Reschedule,
    Backoff,
    Poison,
}

/// <summary>
/// What to do with a handled message. A remote "wait N seconds" (429, spent budget) reschedules a copy after N
/// seconds, costing no delivery. Other retryable failures back off exponentially with ±20 % jitter from
/// <c>Queues:VisibilityTimeoutSeconds</c>, until the last delivery moves the message to the poison queue.
/// </summary>
public sealed class RetryPolicy(IOptions<ListenerOptions> options)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);

    public (SettleAction Action, TimeSpan Delay) Decide(HandlingResult result, long dequeueCount)
    {
        var settings = options.Value;
        return result.Status switch
        {
            HandlingStatus.Completed => (SettleAction.Delete, TimeSpan.Zero),
            HandlingStatus.Poison => (SettleAction.Poison, TimeSpan.Zero),
            _ when result.RetryAfter is { } after => (SettleAction.Reschedule, after < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : after),
            _ when dequeueCount >= settings.MaxDequeueCount => (SettleAction.Poison, TimeSpan.Zero),
            _ => (SettleAction.Backoff, Backoff(settings.VisibilityTimeoutSeconds, dequeueCount)),
        };
    }

    private static TimeSpan Backoff(double baseSeconds, long dequeueCount)
    {
        var exponential = baseSeconds * Math.Pow(2, Math.Clamp(dequeueCount - 1, 0, 20));
        var jittered = exponential * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return TimeSpan.FromSeconds(Math.Min(jittered, MaxBackoff.TotalSeconds));
    }
}
