using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Reconcile;
using FlexZendesk.Functions.Hosting;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Standalone;

/// <summary>
/// The functions of FlexZendesk.Functions without a Functions host: HTTP triggers on Kestrel at their host routes,
/// queue triggers fed by <see cref="QueueListener"/>, the same services and settings (environment variables such as
/// <c>AzureWebJobsStorage</c>, <c>Twilio__AuthToken</c>), host.json's numbers. Runs locally, in tests and containers.
/// </summary>
public static class StandaloneApp
{
    /// <param name="configure">Runs first, so every registration sees what it adds: tests add settings, services and log providers.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // No reload-on-change: the watcher it would set up walks the whole working directory at start.
        var builder = WebApplication.CreateSlimBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
        builder.Configuration.AddHostJson(Path.Combine(AppContext.BaseDirectory, "host.json"));
        // The queue trigger names %Queues:EventsQueue%; unset, it is the app's default, as the writer's.
        // So does the timer's %Reconcile:Schedule%.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new("Queues:EventsQueue", new QueueOptions().EventsQueue), new("Reconcile:Schedule", ReconcileOptions.DefaultSchedule)],
        });
        configure?.Invoke(builder);

        builder.Logging.AddFlexZendeskLogging(builder.Configuration);
        builder.Services.AddFlexZendesk(builder.Configuration);
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        builder.Services.AddSingleton<AdminKeyFilter>();
        builder.Services.AddOptions<QueueTriggerOptions>().BindConfiguration(QueueTriggerOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<QueueTriggerOptions>, QueueTriggerOptionsValidator>();
        builder.Services.AddOptions<ListenerOptions>().BindConfiguration(ListenerOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ListenerOptions>, ListenerOptionsValidator>();
        builder.Services.AddOptions<TimerOptions>().BindConfiguration(TimerOptions.Section);
        builder.Services.AddHostedService<QueueListener>();
        builder.Services.AddHostedService<TimerScheduler>();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Readiness: any answer below 500 means the app is up; it does no work.
        app.MapGet("/", static () => TypedResults.Text("ready"));
        app.MapFunctions(app.Configuration[HostJson.Prefix + ":extensions:http:routePrefix"] ?? "api");
        return app;
    }
}
