using Azure.Monitor.OpenTelemetry.Exporter;
using FlexZendesk.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FlexZendesk.Functions.Hosting;

public static class TelemetryRegistration
{
    public const string ConnectionStringKey = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// Counters and spans are always recorded (free without a listener). With <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> set, OpenTelemetry exports traces, metrics and logs to
    /// Application Insights; without it no OpenTelemetry pipeline runs at all (local runs, tests, benchmarks).
    /// </summary>
    /// <param name="host">Host-specific additions to the export pipeline (the worker's Functions defaults).</param>
    public static IServiceCollection AddFlexZendeskTelemetry(this IServiceCollection services, IConfiguration configuration, Action<IOpenTelemetryBuilder>? host = null)
    {
        // The gauge's callback resolves the writer lazily, so start-up creates no storage client for it.
        services.AddSingleton(sp => new FlexZendeskMetrics(
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            () => sp.GetRequiredService<Core.Queues.PoisonMessages>().Depth()));
        var connectionString = configuration[ConnectionStringKey];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            AddAzureMonitorExport(services, connectionString, host);
        }

        return services;
    }

    // A method of its own: compiling it loads the OpenTelemetry and exporter assemblies, which a start without a
    // connection string should not pay for (measured with scripts/bench-start; docs/performance.md).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddAzureMonitorExport(IServiceCollection services, string connectionString, Action<IOpenTelemetryBuilder>? host)
    {
        var telemetry = services.AddOpenTelemetry();
        host?.Invoke(telemetry);
        telemetry
            .ConfigureResource(resource => resource.AddService(FlexTelemetry.Name, serviceVersion: typeof(TelemetryRegistration).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing.AddFlexZendeskInstrumentation())
            .WithMetrics(metrics => metrics.AddFlexZendeskInstrumentation())
            .WithLogging()
            .UseAzureMonitorExporter(exporter => exporter.ConnectionString = connectionString);
        services.AddHostedService<TelemetryFlush>();
    }

    /// <summary>What the app traces: its own spans, HTTP ingress (not the host's readiness probe) and outgoing HTTP calls.</summary>
    public static TracerProviderBuilder AddFlexZendeskInstrumentation(this TracerProviderBuilder tracing) =>
        tracing.AddSource(FlexTelemetry.Name)
            .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = http => http.Request.Path != "/")
            .AddHttpClientInstrumentation();

    /// <summary>What the app measures: its own counters plus the standard HTTP server and client metrics.</summary>
    public static MeterProviderBuilder AddFlexZendeskInstrumentation(this MeterProviderBuilder metrics) =>
        metrics.AddMeter(FlexTelemetry.Name)
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation();
}
