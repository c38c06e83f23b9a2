using System.Globalization;

namespace FlexZendesk.Core.Ledger;

/// <summary>"Worker <see cref="Owner"/> started this at <see cref="Since"/>": stored as <c>pending|owner|ticks</c>.</summary>
public sealed record Claim(string Owner, DateTimeOffset Since)
{
    public bool IsStale(DateTimeOffset now, TimeSpan timeout) => now - Since > timeout;

    public override string ToString() => $"pending|{Owner}|{Since.UtcTicks.ToString(CultureInfo.InvariantCulture)}";

    public static Claim? Parse(string? text)
    {
        var parts = text?.Split('|');
        return parts is ["pending", var owner, var ticks] && long.TryParse(ticks, CultureInfo.InvariantCulture, out var utcTicks)
            ? new Claim(owner, new DateTimeOffset(utcTicks, TimeSpan.Zero))
            : null;
    }
}
