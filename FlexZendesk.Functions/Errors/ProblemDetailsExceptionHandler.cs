using FlexZendesk.Core.Queues;
using Microsoft.AspNetCore.Diagnostics;

namespace FlexZendesk.Functions.Errors;

/// <summary>
/// Turns known exceptions into ProblemDetails. Storage outages become 503 with Retry-After so Twilio retries
/// (TaskRouter with the <c>#rc=3&amp;rp=all</c> override). Exception messages are never echoed: storage errors
/// can carry account URLs.
/// </summary>
public sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            QueueUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "The event could not be queued; retry later."),
            BadHttpRequestException bad => (bad.StatusCode, "Bad Request", "The request could not be read."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "Client Closed Request", "The caller went away."),
            _ => (StatusCodes.Status500InternalServerError, "Internal Server Error", "An unexpected error occurred."),
        };

        if (exception is QueueUnavailableException)
        {
            LogQueueUnavailable(logger, httpContext.Request.Path, exception.InnerException?.GetType().Name ?? "none", (exception.InnerException as Azure.RequestFailedException)?.Status ?? 0);
            httpContext.Response.Headers.RetryAfter = "5";
        }
        else if (status >= 500)
        {
            LogUnexpected(logger, exception, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(LogLevel.Error, "Storage unavailable while handling {Path}: {ErrorType} (status {Status}); answered 503")]
    private static partial void LogQueueUnavailable(ILogger logger, PathString path, string errorType, int status);

    [LoggerMessage(LogLevel.Error, "Unhandled exception while handling {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, PathString path);
}
