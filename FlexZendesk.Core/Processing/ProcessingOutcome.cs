namespace FlexZendesk.Core.Processing;

/// <summary>What processing one event did. Failures are exceptions: <see cref="RetryableException"/>, <see cref="PermanentException"/>.</summary>
/// <param name="Done">False when the event needed nothing (filtered, duplicate, already logged).</param>
public sealed record ProcessingOutcome(bool Done, string Detail, long? TicketId = null)
{
    public static ProcessingOutcome Skipped(string why) => new(false, why);
}
