using System.Text.RegularExpressions;

namespace FlexZendesk.Core.Tickets;

/// <summary>Recognises phone numbers and email addresses in caller addresses (<c>+1415…</c>, <c>whatsapp:+1415…</c>, <c>a@b.c</c>).</summary>
public static partial class Contact
{
    public static string? Phone(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var candidate = (colon >= 0 ? value[(colon + 1)..] : value).Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return E164().IsMatch(candidate) ? candidate : null;
    }

    public static string? Email(string? value) =>
        value is not null && EmailPattern().IsMatch(value.Trim()) ? value.Trim().ToLowerInvariant() : null;

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
