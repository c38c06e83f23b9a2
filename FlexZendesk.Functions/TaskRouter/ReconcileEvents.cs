using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Reconcile;
using Microsoft.Azure.Functions.Worker;
using OpenTelemetry.Metrics;

namespace FlexZendesk.Functions.TaskRouter;

/// <summary>
/// The reconciliation timer (<c>Reconcile:Schedule</c>, every 5 minutes by default): reports the poison queue's depth,
/// then enqueues the handled TaskRouter events the webhook did not deliver (<see cref="EventReconciler"/>). A timer
/// wakes an app scaled to zero, so the depth is reported, and the poison alert holds, while nothing else runs. The
/// host runs one timer invocation at a time across instances; the watermark's lease covers the no-host runner.
/// </summary>
public sealed partial class ReconcileEvents(EventReconciler reconciler, PoisonMessages poison, IServiceProvider services, ILogger<ReconcileEvents> logger)
{
    [Function(nameof(ReconcileEvents))]
    public async Task RunAsync([TimerTrigger("%Reconcile:Schedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await ReportPoisonAsync(cancellationToken);
        // A failure (Twilio or storage away) throws: the invocation fails visibly, and the next run starts from the watermark.
        await reconciler.RunAsync(cancellationToken);
    }

    private async Task ReportPoisonAsync(CancellationToken cancellationToken)
    {
        var depth = await poison.DepthAsync(cancellationToken);
        switch (depth)
        {
            case null:
                LogPoisonUnread(logger, poison.QueueName);
                break;
            case > 0:
                LogPoison(logger, poison.QueueName, depth.Value);
                break;
            default:
                LogPoisonEmpty(logger, poison.QueueName);
                break;
        }

        // With Application Insights on, export now: the gauge flexzendesk.poison.depth is read and sent even if the
        // instance scales in right after this invocation.
        services.GetService<MeterProvider>()?.ForceFlush(5000);
    }

    [LoggerMessage(LogLevel.Warning, "Poison queue {Queue} holds {Depth} message(s): fix the cause (see their LastError), then POST /api/ops/poison/replay")]
    private static partial void LogPoison(ILogger logger, string queue, long depth);

    [LoggerMessage(LogLevel.Debug, "Poison queue {Queue} is empty")]
    private static partial void LogPoisonEmpty(ILogger logger, string queue);

    [LoggerMessage(LogLevel.Warning, "Poison queue {Queue}: Azure Storage did not answer its depth")]
    private static partial void LogPoisonUnread(ILogger logger, string queue);
}
