using System.Security.Cryptography;
using System.Text;

namespace FlexZendesk.Functions.Gates;

/// <summary>
/// A key shared with a caller, sent in <c>x-functions-key</c> (the header Functions keys use, so one value can also be a
/// host key): the admin key when no host guards admin functions.
/// </summary>
public static partial class SharedKey
{
    public const string Header = "x-functions-key";

    /// <summary>Null when the header carries <paramref name="expected"/>; otherwise the 403 answer, logged without either value.</summary>
    /// <param name="what">Which key, for the log and the answer ("admin").</param>
    public static IResult? Require(HttpContext http, string expected, string what, ILogger logger)
    {
        if (Matches(http.Request.Headers[Header].ToString(), expected))
        {
            return null;
        }

        LogRejected(logger, what, http.Request.Path, expected.Length > 0);
        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"A valid {what} key is required.");
    }

    /// <summary>Constant-time match of a configured key; an empty configured key matches nothing (the endpoint is off).</summary>
    public static bool Matches(string? provided, string expected) =>
        expected.Length > 0
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(provided ?? "")), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    [LoggerMessage(LogLevel.Warning, "Rejected a call to {Path}: no valid {KeyName} key (key configured: {Configured})")]
    private static partial void LogRejected(ILogger logger, string keyName, PathString path, bool configured);
}
