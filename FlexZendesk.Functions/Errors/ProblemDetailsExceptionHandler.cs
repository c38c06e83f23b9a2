using Microsoft.AspNetCore.Diagnostics;

namespace FlexZendesk.Functions.Errors;

/// <summary>The no-host runner's exception handler: the same answers as <see cref="ExceptionProblems"/> gives under the host.</summary>
public sealed class ProblemDetailsExceptionHandler(ExceptionProblems problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        await problems.Answer(httpContext, exception).ExecuteAsync(httpContext);
        return true;
    }
}
