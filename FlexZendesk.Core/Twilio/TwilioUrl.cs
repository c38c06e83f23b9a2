namespace FlexZendesk.Core.Twilio;

/// <summary>String-level URL handling for signing: <see cref="Uri"/> would re-escape and lower-case what Twilio signed verbatim.</summary>
public static class TwilioUrl
{
    /// <summary>The URL without <c>:443</c> on https or <c>:80</c> on http; any other URL unchanged.</summary>
    public static string WithoutDefaultPort(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return url;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var scheme = url.AsSpan(0, schemeEnd);
        var defaultPort = scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? ":443"
            : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? ":80"
            : null;
        var authority = url.AsSpan(authorityStart, authorityEnd - authorityStart);
        return defaultPort is not null && authority.EndsWith(defaultPort, StringComparison.Ordinal)
            ? string.Concat(url.AsSpan(0, authorityEnd - defaultPort.Length), url.AsSpan(authorityEnd))
            : url;
    }

    /// <summary>The percent-decoded value of the first query parameter named <paramref name="name"/>, or null.</summary>
    public static string? QueryValue(string url, string name)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return null;
        }

        var hash = url.IndexOf('#', query);
        var span = url.AsSpan(query + 1, (hash < 0 ? url.Length : hash) - query - 1);
        foreach (var range in span.Split('&'))
        {
            var pair = span[range];
            var eq = pair.IndexOf('=');
            var key = eq < 0 ? pair : pair[..eq];
            if (key.SequenceEqual(name))
            {
                return eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].ToString().Replace('+', ' '));
            }
        }

        return null;
    }
}
