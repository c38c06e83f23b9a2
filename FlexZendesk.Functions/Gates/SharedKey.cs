using System.Security.Cryptography;
using System.Text;

namespace FlexZendesk.Functions.Gates;

public static class SharedKey
{
    /// <summary>Constant-time match of a configured key; an empty configured key matches nothing (the endpoint is off).</summary>
    public static bool Matches(string? provided, string expected) =>
        expected.Length > 0
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(provided ?? "")), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
