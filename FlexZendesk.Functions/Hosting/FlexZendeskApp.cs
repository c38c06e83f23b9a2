using FlexZendesk.Functions.Admin;
using FlexZendesk.Functions.Errors;
using FlexZendesk.Functions.Flex;
using FlexZendesk.Functions.Health;
using FlexZendesk.Functions.Queues;
using FlexZendesk.Functions.Studio;
using FlexZendesk.Functions.TaskRouter;

namespace FlexZendesk.Functions.Hosting;

/// <summary>The whole app, built once for <c>Program</c> and for tests that start it on a loopback port of their own.</summary>
public static class FlexZendeskApp
{
    /// <param name="configure">Runs first, so every registration sees what it adds: tests add settings, services and log providers.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // No reload-on-change: the Functions host restarts the handler when settings change, and the watcher it would set up
        // walks the whole working directory at start (measured: most of the start-up time from a checkout; docs/benchmarks.md).
        var builder = WebApplication.CreateSlimBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
        configure?.Invoke(builder);

        builder.UseCustomHandlerPort();
        builder.UseFlexZendeskLogging();
        builder.UseFlexZendeskTelemetry();
        builder.Services.AddFlexZendeskSettings();
        builder.Services.AddFlexZendeskIngress();
        builder.Services.AddFlexZendeskProcessing();
        builder.Services.AddFlexZendeskProblemDetails();

        var app = builder.Build();

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHostReadiness();
        app.MapHealthApi();
        app.MapTaskRouterApi();
        app.MapStudioApi();
        app.MapStudioLookupApi();
        app.MapFlexPluginApi();
        app.MapPoisonApi();
        app.MapQueueFunctions();
        return app;
    }
}
