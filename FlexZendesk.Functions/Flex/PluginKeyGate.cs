using FlexZendesk.Functions.Gates;
using FlexZendesk.Core.Tickets;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Flex;

/// <summary>
/// Admits a Flex UI plugin that sends <c>Flex:PluginKey</c> in <c>x-functions-key</c> (the header Functions keys
/// use, so the same value can also be a host function key). The app checks it itself, so it holds without a
/// Functions host too. No key configured: 403 for everyone.
/// </summary>
public sealed partial class PluginKeyGate(IOptions<FlexOptions> options, ILogger<PluginKeyGate> logger) : IFunctionGate
{
    public const string Header = "x-functions-key";

    public ValueTask<IResult?> CheckAsync(HttpContext http)
    {
        var expected = options.Value.PluginKey;
        var provided = http.Request.Headers[Header].ToString();
        if (!SharedKey.Matches(provided, expected))
        {
            LogRejected(logger, http.Request.Path, expected.Length > 0);
            return ValueTask.FromResult<IResult?>(TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "A valid plugin key is required."));
        }

        return ValueTask.FromResult<IResult?>(null);
    }

    [LoggerMessage(LogLevel.Warning, "Rejected a plugin call to {Path} (plugin key configured: {Configured})")]
    private static partial void LogRejected(ILogger logger, PathString path, bool configured);
}
