using FlexZendesk.Core.Tickets;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Flex;

/// <summary>
/// CORS for the Flex UI plugin's calls, with ASP.NET Core's CORS service: <c>Flex:AllowedOrigins</c> may
/// <c>POST</c> with <c>Content-Type</c> and <c>Authorization</c>; any other origin gets no CORS header, so its
/// browser refuses the answer. Applied by the function itself, so it holds with and without a Functions host (leave
/// the Function App's platform CORS list empty, or it answers preflights before the app sees them).
/// </summary>
public sealed class FlexCors(ICorsService cors, IOptions<FlexOptions> options)
{
    private readonly CorsPolicy _policy = new CorsPolicyBuilder()
        .WithOrigins([.. FlexOptions.ListOf(options.Value.AllowedOrigins)])
        .WithMethods("POST")
        .WithHeaders("Content-Type", "Authorization")
        .SetPreflightMaxAge(TimeSpan.FromMinutes(10))
        .Build();

    /// <summary>Sets the CORS headers the request earns; true when its origin (if any) is allowed.</summary>
    public bool Apply(HttpContext http)
    {
        var result = cors.EvaluatePolicy(http, _policy);
        cors.ApplyResult(result, http.Response);
        return result.IsOriginAllowed || !http.Request.Headers.ContainsKey("Origin");
    }
}
