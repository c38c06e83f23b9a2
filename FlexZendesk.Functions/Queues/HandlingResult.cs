namespace FlexZendesk.Functions.Queues;

public enum HandlingStatus
{
    /// <summary>Done, nothing to do, or permanently refused (logged): delete the message.</summary>
    Completed,

    /// <summary>A retry can succeed: leave the message for another delivery.</summary>
    Retry,

    /// <summary>The message can never be processed (not an envelope): straight to the poison queue.</summary>
    Poison,
}

public sealed record HandlingResult(HandlingStatus Status, string Reason, TimeSpan? RetryAfter);
