using System.Security.Cryptography;
using System.Text;

namespace FlexZendesk.Sandbox;

/// <summary>
/// Signs webhooks as Twilio does, written from Twilio's security documentation (not from the SDK the app validates
/// with, so a shared mistake cannot pass unnoticed): Base64(HMAC-SHA1(auth token, URL + each parameter as key+value,
/// sorted by key, then by value, ordinal)). JSON bodies: the URL carries <c>bodySHA256</c>, the lowercase hex SHA-256
/// of the body, and is signed without parameters. The demo, the benchmarks and the tests send callbacks with it.
/// </summary>
public sealed class TwilioWebhookSigner(string authToken)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(authToken);

    public string Sign(string url, IEnumerable<KeyValuePair<string, string>>? parameters = null)
    {
        var text = new StringBuilder(url);
        foreach (var (key, value) in (parameters ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            text.Append(key).Append(value);
        }

#pragma warning disable CA5350 // Twilio's webhook scheme is HMAC-SHA1; this signs as Twilio does, it protects nothing of ours.
        return Convert.ToBase64String(HMACSHA1.HashData(_key, Encoding.UTF8.GetBytes(text.ToString())));
#pragma warning restore CA5350
    }

    /// <summary>What Twilio puts in <c>bodySHA256</c>.</summary>
    public static string BodyHash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));
}
