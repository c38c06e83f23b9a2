using Twilio.Security;

namespace FlexZendesk.Core.Twilio;

/// <summary>
/// <c>X-Twilio-Signature</c> checks through the Twilio SDK's <see cref="RequestValidator"/>, plus the three things
/// it leaves to its caller (measured against 8.2.0):
/// <list type="bullet">
/// <item>a URL carrying the default port (<c>:443</c>/<c>:80</c>) does not validate a signature made without it, while
/// a URL without the port validates both forms, so the default port is removed first;</item>
/// <item>the fragment is signed by nobody (it never reaches a server) but the SDK would hash it, so it is removed;</item>
/// <item>it takes a dictionary, one value per key, while Twilio signs repeated keys as <c>key+value</c> for each value,
/// values sorted: such a key is passed once, its sorted values joined by the key itself, which hashes the same bytes.</item>
/// </list>
/// A missing signature or a URL the SDK cannot parse is simply invalid, never an exception.
/// </summary>
public sealed class TwilioWebhookValidator(string authToken)
{
    private readonly RequestValidator _validator = new(authToken);

    /// <summary>A form POST or a GET: the URL plus every parameter (none for a GET, whose parameters are in the URL).</summary>
    public bool IsValid(string url, IEnumerable<KeyValuePair<string, string>>? parameters, string? signature) =>
        !string.IsNullOrEmpty(signature) && Guard(() => _validator.Validate(Canonical(url), Merge(parameters), signature));

    /// <summary>A JSON body: the URL (with <c>bodySHA256</c>) signed without parameters, and the body's SHA-256 equal to it.</summary>
    public bool IsValidJson(string url, string body, string? signature) =>
        !string.IsNullOrEmpty(signature)
        && Canonical(url) is var canonical
        && TwilioUrl.QueryValue(canonical, "bodySHA256") is { Length: > 0 }
        && Guard(() => _validator.Validate(canonical, body, signature));

    private static bool Guard(Func<bool> validate)
    {
        try
        {
            return validate();
        }
        catch (Exception ex) when (ex is UriFormatException or ArgumentException or FormatException)
        {
            return false;
        }
    }

    private static string Canonical(string url)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        return TwilioUrl.WithoutDefaultPort(hash < 0 ? url : url[..hash]);
    }

    private static Dictionary<string, string> Merge(IEnumerable<KeyValuePair<string, string>>? parameters)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        if (parameters is null)
        {
            return merged;
        }

        foreach (var group in parameters.GroupBy(p => p.Key, StringComparer.Ordinal))
        {
            var values = group.Select(p => p.Value).Order(StringComparer.Ordinal);
            merged[group.Key] = string.Join(group.Key, values);
        }

        return merged;
    }
}
