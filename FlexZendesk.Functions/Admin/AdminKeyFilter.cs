using FlexZendesk.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Admin;

/// <summary>
/// Admin endpoints. Under the Functions host the handler listens on loopback only and the host forwards a request
/// only after checking the master key (<c>authLevel: admin</c>); standalone, the app checks <c>Admin:Key</c>.
/// </summary>
public sealed partial class AdminKeyFilter(IOptions<AdminOptions> options, IConfiguration configuration, ILogger<AdminKeyFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!string.IsNullOrEmpty(configuration[CustomHandlerHosting.PortVariable]))
        {
            return await next(context);
        }

        var expected = options.Value.Key;
        var provided = context.HttpContext.Request.Headers["x-functions-key"].ToString();
        if (!SharedKey.Matches(provided, expected))
        {
            LogRejected(logger, context.HttpContext.Request.Path, expected.Length > 0);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "The admin key is required.");
        }

        return await next(context);
    }

    [LoggerMessage(LogLevel.Warning, "Rejected an admin call to {Path} (Admin:Key configured: {Configured})")]
    private static partial void LogRejected(ILogger logger, PathString path, bool configured);
}
