using System.Collections.Concurrent;
using System.Reflection;
using FlexZendesk.Functions.Errors;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace FlexZendesk.Functions.Gates;

/// <summary>
/// Under the Functions host: runs an HTTP function's declared gates before its body, and answers an exception the
/// body throws with the same ProblemDetails the no-host runner gives (503 + Retry-After for a storage outage).
/// Queue functions pass straight through: their exceptions are the host's signal to retry and poison.
/// </summary>
public sealed class GateMiddleware(ExceptionProblems problems) : IFunctionsWorkerMiddleware
{
    private static readonly ConcurrentDictionary<string, MethodInfo?> Methods = new();

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        // Fails closed: a function whose gates cannot be looked up is not run ungated.
        if (EntryPoint(context.FunctionDefinition.EntryPoint) is not { } method)
        {
            context.GetInvocationResult().Value = TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Internal Server Error", detail: "The function's gates could not be found.");
            return;
        }

        if (await FunctionGates.CheckAsync(FunctionGates.Of(method), http, context.InstanceServices) is { } refusal)
        {
            context.GetInvocationResult().Value = refusal;
            return;
        }

        try
        {
            await next(context);
        }
        catch (Exception ex) when (!http.Response.HasStarted)
        {
            context.GetInvocationResult().Value = problems.Answer(http, ex);
        }
    }

    /// <summary>The method behind <c>Namespace.Type.Method</c>, the entry point the SDK writes into functions.metadata; null when none is.</summary>
    public static MethodInfo? EntryPoint(string entryPoint) => Methods.GetOrAdd(entryPoint, static name =>
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? null : typeof(GateMiddleware).Assembly.GetType(name[..dot])?.GetMethod(name[(dot + 1)..]);
    });
}
