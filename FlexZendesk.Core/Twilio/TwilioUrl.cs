namespace FlexZendesk.Core.Twilio;

/// <summary>String-level URL handling for signing: <see cref="Uri"/> would re-escape and lower-case what Twilio signed verbatim.</summary>
public static class TwilioUrl
{
    /// <summary>The URL without fragment, then without its port, or with the default port added.</summary>
    public static IEnumerable<string> SigningVariants(string url)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            url = url[..hash];
        }

        yield return url;

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            yield break;
        }

        var authorityStart = schemeEnd + 3;
        var authorityEnd = url.IndexOfAny(['/', '?'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }

        var authority = url.AsSpan(authorityStart, authorityEnd - authorityStart);
        var colon = authority.LastIndexOf(':');
        var hasPort = colon >= 0 && colon > authority.LastIndexOf(']');
        if (hasPort)
        {
            yield return string.Concat(url.AsSpan(0, authorityStart + colon), url.AsSpan(authorityEnd));
            yield break;
        }

        var scheme = url.AsSpan(0, schemeEnd);
        var defaultPort = scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? ":443"
            : scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? ":80"
            : null;
        if (defaultPort is not null)
        {
            yield return string.Concat(url.AsSpan(0, authorityEnd), defaultPort, url.AsSpan(authorityEnd));
        }
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
