using System.Net;

namespace FlexZendesk.Functions.Hosting;

public static class CustomHandlerHosting
{
    /// <summary>Set by the Functions host; when present the host owns triggers and talks to us over loopback.</summary>
    public const string PortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>
    /// Listens on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT under the Functions host; otherwise Kestrel uses
    /// --urls / ASPNETCORE_URLS as usual.
    /// </summary>
    public static WebApplicationBuilder UseCustomHandlerPort(this WebApplicationBuilder builder)
    {
        var value = builder.Configuration[PortVariable];
        if (!string.IsNullOrEmpty(value))
        {
            if (!int.TryParse(value, out var port) || port is < 1 or > 65535)
            {
                throw new InvalidOperationException($"{PortVariable} must be a TCP port number.");
            }

            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        }

        return builder;
    }

    /// <summary><c>GET /</c>: the host polls it every 25 ms at start; any answer means ready, so it does no work.</summary>
    public static IEndpointRouteBuilder MapHostReadiness(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", static () => TypedResults.Text("ready")).ExcludeFromDescription();
        return app;
    }
}
