namespace FlexZendesk.Sandbox;

/// <summary>
/// A stateful stand-in for the Zendesk and Twilio REST subset FlexZendesk uses (and Application Insights ingestion), written from the public API
/// references with its own types (it references nothing of FlexZendesk.Core). In memory; inspect it with
/// <c>GET /_sandbox/state</c>. Never for production.
/// </summary>
public sealed class SandboxApp
{
    public static async Task Main(string[] args) => await Build(args).RunAsync();

    public static WebApplication Build(string[] args, Action<SandboxOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var options = builder.Configuration.GetSection("Sandbox").Get<SandboxOptions>() ?? new SandboxOptions();
        configure?.Invoke(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SandboxState>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);

        var app = builder.Build();
        app.UseMiddleware<SandboxGate>();
        app.UseRouting(); // after the gate, which strips the optional .json suffix
        app.MapZendesk();
        app.MapTwilio();
        app.MapFlexAgents();
        app.MapWorkers();
        app.MapTaskRouterEvents();
        app.MapControl();
        app.MapMonitor();
        return app;
    }
}
