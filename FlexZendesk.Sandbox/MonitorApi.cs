using System.IO.Compression;
using System.Text.Json;

namespace FlexZendesk.Sandbox;

/// <summary>
/// The Application Insights ingestion (Track) endpoint that Azure.Monitor.OpenTelemetry.Exporter posts to:
/// newline-delimited JSON envelopes, gzip-compressed or not. Kept so tests read what would reach Application
/// Insights (<c>GET /_sandbox/telemetry</c>); live metrics calls are answered and ignored.
/// </summary>
public static class MonitorApi
{
    public static void MapMonitor(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v2.1/track", Track);
        app.MapPost("/v2/track", Track);
        app.MapPost("/QuickPulseService.svc/{operation}", () => Results.Ok());
    }

    private static async Task<IResult> Track(HttpContext http, SandboxState state)
    {
        var body = http.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(http.Request.Body, CompressionMode.Decompress)
            : http.Request.Body;
        using var reader = new StreamReader(body);
        var items = new List<JsonElement>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                items.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        lock (state.Gate)
        {
            state.Telemetry.AddRange(items);
        }

        return Results.Json(new { itemsReceived = items.Count, itemsAccepted = items.Count, errors = Array.Empty<object>() });
    }
}
