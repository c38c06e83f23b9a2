using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FlexZendesk.Functions.Hosting;

/// <summary>
/// Exports what is pending when the instance stops (scale-in, restart), before the container disposes anything.
/// Without it the last spans, metrics and log lines of an instance were often lost (found by the ingestion test,
/// FlexZendesk.Tests/Telemetry: 2 of 3 runs exported nothing at all).
/// </summary>
public sealed class TelemetryFlush(TracerProvider tracing, MeterProvider metrics, LoggerProvider logs) : IHostedService
{
    private const int TimeoutMilliseconds = 5000;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        tracing.ForceFlush(TimeoutMilliseconds);
        metrics.ForceFlush(TimeoutMilliseconds);
        logs.ForceFlush(TimeoutMilliseconds);
        return Task.CompletedTask;
    }
}
