using FlexZendesk.Core;
using Microsoft.AspNetCore.Diagnostics;

namespace FlexZendesk.Functions.Errors;

/// <summary>
/// The answer to an exception an HTTP function threw, the same under both hosts. Storage outages become 503 with
/// Retry-After so Twilio retries (TaskRouter with the <c>#rc=3&amp;rp=all</c> override). Exception messages are
/// never echoed: storage errors can carry account URLs.
/// </summary>
public sealed partial class ExceptionProblems(ILogger<ExceptionProblems> logger)
{
    public IResult Answer(HttpContext http, Exception exception)
    {
        var known = Known(exception);
        var (status, title, detail) = known switch
        {
            QueueUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "Azure Storage did not answer; retry later."),
            BadHttpRequestException bad => (bad.StatusCode, "Bad Request", "The request could not be read."),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => (499, "Client Closed Request", "The caller went away."),
            _ => (StatusCodes.Status500InternalServerError, "Internal Server Error", "An unexpected error occurred."),
        };

        if (known is QueueUnavailableException)
        {
            LogQueueUnavailable(logger, http.Request.Path, known.InnerException?.GetType().Name ?? "none", (known.InnerException as Azure.RequestFailedException)?.Status ?? 0);
            http.Response.Headers.RetryAfter = "5";
        }
        else if (status >= 500)
        {
            LogUnexpected(logger, exception, http.Request.Path);
        }

        return TypedResults.Problem(statusCode: status, title: title, detail: detail);
    }

    /// <summary>The first exception in the chain this class knows, for hosts that wrap what the function threw.</summary>
    private static Exception Known(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is QueueUnavailableException or BadHttpRequestException or OperationCanceledException)
            {
                return current;
            }
        }

        return exception;
    }

    [LoggerMessage(LogLevel.Error, "Storage unavailable while handling {Path}: {ErrorType} (status {Status}); answered 503")]
    private static partial void LogQueueUnavailable(ILogger logger, PathString path, string errorType, int status);

    [LoggerMessage(LogLevel.Error, "Unhandled exception while handling {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, PathString path);
}

/// <summary>The no-host runner's exception handler: the same answers as <see cref="ExceptionProblems"/> gives under the host.</summary>
public sealed class ProblemDetailsExceptionHandler(ExceptionProblems problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        await problems.Answer(httpContext, exception).ExecuteAsync(httpContext);
        return true;
    }
}
