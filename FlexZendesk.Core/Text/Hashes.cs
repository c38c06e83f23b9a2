using System.Security.Cryptography;
using System.Text;

namespace FlexZendesk.Core.Text;

public static class Hashes
{
    /// <summary>Lower-case hex SHA-256 of the UTF-8 text, cut to <paramref name="length"/> characters: a stable key from content.</summary>
    public static string Sha256Hex(string text, int length = 64) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..length];
}
