using FlexZendesk.Functions.Hosting;
using FlexZendesk.Core.Tickets;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Flex;

/// <summary>
/// Admits a Flex UI plugin that sends <c>Flex:PluginKey</c> in <c>x-functions-key</c> (the header Functions keys
/// use, so the same value can also be a host function key). The app checks it itself, so it holds without a
/// Functions host too. No key configured: 403 for everyone.
/// </summary>
public sealed partial class PluginKeyFilter(IOptions<FlexOptions> options, ILogger<PluginKeyFilter> logger) : IEndpointFilter
{
    public const string Header = "x-functions-key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = options.Value.PluginKey;
        var provided = context.HttpContext.Request.Headers[Header].ToString();
        if (!SharedKey.Matches(provided, expected))
        {
            LogRejected(logger, context.HttpContext.Request.Path, expected.Length > 0);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "A valid plugin key is required.");
        }

        return await next(context);
    }

    [LoggerMessage(LogLevel.Warning, "Rejected a plugin call to {Path} (plugin key configured: {Configured})")]
    private static partial void LogRejected(ILogger logger, PathString path, bool configured);
}
