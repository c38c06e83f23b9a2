using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace FlexZendesk.Core.Twilio;

/// <summary>
/// Twilio's <c>X-Twilio-Signature</c> scheme: Base64(HMAC-SHA1(authToken, url + each parameter as key+value,
/// sorted by key then value, ordinal)). JSON bodies sign the URL only; the URL carries <c>bodySHA256</c>.
/// </summary>
public sealed class TwilioSignature(string authToken)
{
    private const int Sha1Length = 20;
    private readonly byte[] _key = Encoding.UTF8.GetBytes(authToken);

    public string Compute(string url, IEnumerable<KeyValuePair<string, string>>? parameters = null)
    {
        Span<byte> mac = stackalloc byte[Sha1Length];
        ComputeMac(url, Sorted(parameters), mac);
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// True when <paramref name="signature"/> matches the URL as given, without its port, or with the
    /// scheme's default port added (Twilio signs whichever form was configured on its side).
    /// </summary>
    public bool IsValid(string url, IEnumerable<KeyValuePair<string, string>>? parameters, string? signature)
    {
        Span<byte> expected = stackalloc byte[Sha1Length];
        if (string.IsNullOrEmpty(signature)
            || !Convert.TryFromBase64String(signature, expected, out var written)
            || written != Sha1Length)
        {
            return false;
        }

        var sorted = Sorted(parameters);
        Span<byte> actual = stackalloc byte[Sha1Length];
        var matched = false;
        foreach (var candidate in TwilioUrl.SigningVariants(url))
        {
            ComputeMac(candidate, sorted, actual);
            // Evaluate every variant so timing does not reveal which one matched.
            matched |= CryptographicOperations.FixedTimeEquals(actual, expected);
        }

        return matched;
    }

    /// <summary>Validates a JSON-body request: the URL signature, then <c>bodySHA256</c> against the raw body.</summary>
    public bool IsValidJson(string url, ReadOnlySpan<byte> body, string? signature)
    {
        var declared = TwilioUrl.QueryValue(url, "bodySHA256");
        if (declared is null || !IsValid(url, null, signature))
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        Span<byte> declaredBytes = stackalloc byte[SHA256.HashSizeInBytes];
        return declared.Length == SHA256.HashSizeInBytes * 2
            && Convert.FromHexString(declared, declaredBytes, out _, out var written) == OperationStatus.Done
            && written == SHA256.HashSizeInBytes
            && CryptographicOperations.FixedTimeEquals(hash, declaredBytes);
    }

    /// <summary>Lowercase hex SHA-256, the form Twilio puts in <c>bodySHA256</c>.</summary>
    public static string BodyHash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    private void ComputeMac(string url, List<KeyValuePair<string, string>> sorted, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, _key);
        Append(hmac, url);
        foreach (var (key, value) in sorted)
        {
            Append(hmac, key);
            Append(hmac, value);
        }

        hmac.GetHashAndReset(destination);
    }

    private static void Append(IncrementalHash hash, string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = max <= 512 ? null : ArrayPool<byte>.Shared.Rent(max);
        Span<byte> buffer = rented ?? stackalloc byte[512];
        var length = Encoding.UTF8.GetBytes(text, buffer);
        hash.AppendData(buffer[..length]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static List<KeyValuePair<string, string>> Sorted(IEnumerable<KeyValuePair<string, string>>? parameters)
    {
        var list = parameters is null ? [] : new List<KeyValuePair<string, string>>(parameters);
        list.Sort(static (a, b) =>
        {
            var byKey = string.CompareOrdinal(a.Key, b.Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
        });
        return list;
    }
}
