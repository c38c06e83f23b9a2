using FlexZendesk.Functions.Gates;
using Microsoft.Azure.Functions.Worker;

namespace FlexZendesk.Standalone;

/// <summary>
/// Serves every HTTP-triggered function as the host does: at <c>/{routePrefix}/{route}</c> (host.json's
/// <c>extensions.http.routePrefix</c>), for its methods, behind its authorization level and its gates; the function's
/// <see cref="IResult"/> is executed. Exceptions go to the app's exception handler (the same ProblemDetails as under
/// the host).
/// </summary>
public static class HttpFunctionEndpoints
{
    private static readonly string[] AnyMethod = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder app, string routePrefix)
    {
        foreach (var function in FunctionCatalog.Http)
        {
            FunctionInvoker.EnsureBindable(function.Name, function.Method, p =>
                p.ParameterType == typeof(HttpRequest) || p.ParameterType == typeof(CancellationToken)
                || (p.ParameterType == typeof(string) && function.Trigger.Route?.Contains("{" + p.Name, StringComparison.Ordinal) == true));
            var route = "/" + string.Join('/', new[] { routePrefix.Trim('/'), function.Trigger.Route ?? function.Name }.Where(s => s.Length > 0));
            var methods = function.Trigger.Methods is { Length: > 0 } declared ? declared.Select(m => m.ToUpperInvariant()) : AnyMethod;
            var gates = FunctionGates.Of(function.Method);
            var keyed = function.Trigger.AuthLevel is not AuthorizationLevel.Anonymous;
            var disabled = FunctionSwitch.IsDisabled(app.ServiceProvider.GetRequiredService<IConfiguration>(), function.Name);
            app.MapMethods(route, methods, async http =>
            {
                // Disabled: 404 as under the host, which still runs it for its master key (here Admin:Key).
                if (disabled && !http.RequestServices.GetRequiredService<AdminKeyFilter>().IsMasterKey(http))
                {
                    await TypedResults.NotFound().ExecuteAsync(http);
                    return;
                }

                var refusal = keyed ? http.RequestServices.GetRequiredService<AdminKeyFilter>().Check(http) : null;
                refusal ??= await FunctionGates.CheckAsync(gates, http, http.RequestServices);
                var result = refusal ?? await FunctionInvoker.InvokeAsync(function.Method, http.RequestServices, p => Bind(p, http));
                if (result is IResult answer)
                {
                    await answer.ExecuteAsync(http);
                }
            }).WithName(function.Name);
        }

        return app;
    }

    private static object? Bind(System.Reflection.ParameterInfo parameter, HttpContext http) =>
        parameter.ParameterType == typeof(HttpRequest) ? http.Request
        : parameter.ParameterType == typeof(CancellationToken) ? http.RequestAborted
        : http.Request.RouteValues[parameter.Name!]?.ToString();
}
