using FlexZendesk.Functions.Gates;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Standalone;

/// <summary>
/// What the host does for a function above anonymous level (<c>AuthorizationLevel.Function</c> or <c>Admin</c>):
/// no host means no host keys, so the caller must send <c>Admin:Key</c> in <c>x-functions-key</c>. No key
/// configured: 403 for everyone.
/// </summary>
public sealed partial class AdminKeyFilter(IOptions<AdminOptions> options, ILogger<AdminKeyFilter> logger)
{
    public const string Header = "x-functions-key";

    public IResult? Check(HttpContext http)
    {
        var expected = options.Value.Key;
        if (SharedKey.Matches(http.Request.Headers[Header].ToString(), expected))
        {
            return null;
        }

        LogRejected(logger, http.Request.Path, expected.Length > 0);
        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "The admin key is required.");
    }

    [LoggerMessage(LogLevel.Warning, "Rejected an admin call to {Path} (Admin:Key configured: {Configured})")]
    private static partial void LogRejected(ILogger logger, PathString path, bool configured);
}
