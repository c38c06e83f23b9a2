using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Standalone;

/// <summary>
/// Runs every timer-triggered function on its schedule (<see cref="TimerFunction.Schedule"/>), as the host's timer
/// trigger does: <c>RunOnStartup</c> honoured, one invocation at a time per function (a run that outlasts its period
/// makes the next one past due, not concurrent), a failed invocation logged and the schedule kept. The host also
/// makes a timer a singleton across instances; here every instance runs it, so a timer function must tolerate that
/// (the reconciler's watermark lease does). <c>Timers:Run=false</c> turns it off; <c>AzureWebJobs.&lt;FunctionName&gt;.Disabled</c>
/// one function.
/// </summary>
public sealed partial class TimerScheduler(IServiceProvider services, IConfiguration configuration, IOptions<TimerOptions> options, TimeProvider clock, ILogger<TimerScheduler> logger) : BackgroundService
{
    /// <summary>Checks every timer function can be served, and its schedule read, before the app reports started.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var function in FunctionCatalog.Timers)
        {
            FunctionInvoker.EnsureBindable(function.Name, function.Method, p => p.ParameterType == typeof(TimerInfo) || p.ParameterType == typeof(CancellationToken));
            _ = function.Schedule(configuration);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Run)
        {
            await Task.WhenAll(FunctionCatalog.Timers.Where(f => !FunctionSwitch.IsDisabled(configuration, f.Name)).Select(function => RunAsync(function, stoppingToken)));
        }
    }

    private async Task RunAsync(TimerFunction function, CancellationToken stoppingToken)
    {
        var schedule = function.Schedule(configuration);
        LogStarted(logger, function.Name, schedule.Text);
        DateTimeOffset? last = null;
        var due = function.Trigger.RunOnStartup ? clock.GetUtcNow() : schedule.Next(clock.GetUtcNow());
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = due - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, stoppingToken);
                }

                var now = clock.GetUtcNow();
                var next = schedule.Next(now);
                var timer = new TimerInfo
                {
                    IsPastDue = now - due > TimeSpan.FromSeconds(1),
                    ScheduleStatus = new ScheduleStatus { Last = last?.UtcDateTime ?? default, Next = next.UtcDateTime, LastUpdated = now.UtcDateTime },
                };
                await InvokeAsync(function, timer, stoppingToken);
                last = due;
                due = next;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    private async Task InvokeAsync(TimerFunction function, TimerInfo timer, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            await FunctionInvoker.InvokeAsync(function.Method, scope.ServiceProvider, p => p.ParameterType == typeof(TimerInfo) ? timer : stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogFailed(logger, function.Name, ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Information, "Timer {Function} runs on schedule {Schedule}")]
    private static partial void LogStarted(ILogger logger, string function, string schedule);

    [LoggerMessage(LogLevel.Error, "Timer {Function} failed: {Reason}; it runs again at its next occurrence")]
    private static partial void LogFailed(ILogger logger, string function, string reason);
}
