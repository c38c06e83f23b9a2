using Stopwatch = System.Diagnostics.Stopwatch;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core.Twilio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Reconcile;

/// <summary>What one reconciliation run did.</summary>
/// <param name="Complete">False when the run stopped early (its event budget, or its lease); the next run goes on from the watermark.</param>
public sealed record ReconcileResult(DateTimeOffset From, DateTimeOffset To, int TwilioRequests, int EventsRead, int TasksChecked, int Enqueued, bool Complete)
{
    public static ReconcileResult Nothing(DateTimeOffset at) => new(at, at, 0, 0, 0, 0, true);
}

/// <summary>
/// Gap-free delivery: reads TaskRouter's Events resource from the watermark up to <c>Reconcile:SettleSeconds</c> ago,
/// and enqueues every handled event whose effect the task's ledger does not show, through the same queue and
/// processing as the webhook (same event Sid, so both paths name one event; processing is idempotent, so an event the
/// webhook also delivers costs one more delivery and no second effect).
/// </summary>
/// <remarks>
/// Reads: spans of at most six hours (<see cref="EventsReader"/>), the types of <see cref="HandledEvents"/>. Storage:
/// one ledger read per task seen, one watermark write per span.
/// </remarks>
public sealed partial class EventReconciler(
    EventsReader reader,
    HandledEvents handled,
    LedgerStore ledgers,
    FlexEventProcessor processor,
    EventQueueWriter queue,
    ReconcileWatermark watermark,
    FlexZendeskMetrics metrics,
    IOptions<ReconcileOptions> options,
    IOptions<TwilioOptions> twilioOptions,
    TimeProvider clock,
    ILogger<EventReconciler> logger)
{
    private static readonly TimeSpan Span = TimeSpan.FromHours(6);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);
    private readonly string _owner = Guid.NewGuid().ToString("N");

    public async Task<ReconcileResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var workspace = twilioOptions.Value.WorkspaceSid;
        var now = clock.GetUtcNow();
        if (!settings.Enabled || string.IsNullOrEmpty(workspace))
        {
            LogOff(logger, settings.Enabled ? "Twilio:WorkspaceSid is not set (the Events resource is read per workspace)" : "Reconcile:Enabled is false");
            return ReconcileResult.Nothing(now);
        }

        var run = await watermark.TryStartAsync(workspace, _owner, now, now + Lease, cancellationToken);
        if (run is null)
        {
            LogBusy(logger, workspace);
            return ReconcileResult.Nothing(now);
        }

        var oldest = now.AddMinutes(-settings.LookBackMinutes);
        var from = run.Until ?? oldest;
        if (from < oldest)
        {
            LogGap(logger, from, oldest, settings.LookBackMinutes);
            from = oldest;
        }

        var end = now.AddSeconds(-settings.SettleSeconds);
        var started = Stopwatch.StartNew();
        var totals = new ReconcileResult(from, from, 0, 0, 0, 0, Complete: true);
        try
        {
            while (totals.To < end)
            {
                if (totals.EventsRead >= settings.MaxEventsPerRun || started.Elapsed > Lease / 2)
                {
                    totals = totals with { Complete = false };
                    break;
                }

                var spanEnd = totals.To + Span < end ? totals.To + Span : end;
                var span = await ReconcileSpanAsync(workspace, totals.To, spanEnd, cancellationToken);
                totals = totals with
                {
                    To = spanEnd,
                    TwilioRequests = totals.TwilioRequests + span.TwilioRequests,
                    EventsRead = totals.EventsRead + span.EventsRead,
                    TasksChecked = totals.TasksChecked + span.TasksChecked,
                    Enqueued = totals.Enqueued + span.Enqueued,
                };
                if (!await watermark.AdvanceAsync(run, spanEnd, cancellationToken))
                {
                    LogLeaseLost(logger, workspace, spanEnd);
                    return totals with { Complete = false };
                }
            }

            await watermark.FinishAsync(run, cancellationToken);
        }
        finally
        {
            Log(logger, totals);
        }

        return totals;
    }

    private async Task<ReconcileResult> ReconcileSpanAsync(string workspace, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var (events, requests) = await reader.ReadAsync(workspace, from, to, handled.Reads, cancellationToken);
        var now = clock.GetUtcNow();
        var byTask = events
            .OrderBy(EventsResource.DateOf)
            .Select(e => EventsResource.ToEnvelope(e, now))
            .Where(e => e.TaskSid is not null && handled.Allows(e.EventType))
            .GroupBy(e => e.TaskSid!, StringComparer.Ordinal)
            .ToList();
        var enqueued = 0;
        foreach (var task in byTask)
        {
            // Read only: the ledger's effects tell what is owed; processing, not this, writes it.
            var ledger = (await ledgers.OpenAsync(task.Key, cancellationToken)).Ledger;
            foreach (var envelope in task.Where(e => processor.Owes(e, ledger)))
            {
                await queue.EnqueueAsync(envelope, cancellationToken);
                metrics.Reconciled(envelope.EventType);
                LogEnqueued(logger, envelope.EventType, envelope.Id, task.Key);
                enqueued++;
            }
        }

        return new ReconcileResult(from, to, requests, events.Count, byTask.Count, enqueued, Complete: true);
    }

    [LoggerMessage(LogLevel.Debug, "Reconcile: off ({Reason})")]
    private static partial void LogOff(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "Reconcile: another run holds workspace {WorkspaceSid}'s lease; this one does nothing")]
    private static partial void LogBusy(ILogger logger, string workspaceSid);

    [LoggerMessage(LogLevel.Warning, "Reconcile: the watermark {Watermark:o} is older than Reconcile:LookBackMinutes ({LookBackMinutes}); events from before {Oldest:o} are not read")]
    private static partial void LogGap(ILogger logger, DateTimeOffset watermark, DateTimeOffset oldest, int lookBackMinutes);

    [LoggerMessage(LogLevel.Warning, "Reconcile: lost workspace {WorkspaceSid}'s lease to another run; stopped at {Until:o}")]
    private static partial void LogLeaseLost(ILogger logger, string workspaceSid, DateTimeOffset until);

    [LoggerMessage(LogLevel.Debug, "Reconcile: enqueued {EventType} {EventId} for task {TaskSid}: its effect was missing (the webhook did not deliver it, or has not been processed yet)")]
    private static partial void LogEnqueued(ILogger logger, string eventType, string eventId, string taskSid);

    /// <summary>One line per run; a Warning when it enqueued anything: the webhook missed events (or was slow), which operators should know.</summary>
    private static void Log(ILogger logger, ReconcileResult r) =>
        LogRun(logger, r.Enqueued > 0 ? LogLevel.Warning : LogLevel.Information, r.From, r.To, r.TwilioRequests, r.EventsRead, r.TasksChecked, r.Enqueued, r.Complete);

    [LoggerMessage("Reconcile: {From:o} to {To:o}: {TwilioRequests} Twilio requests, {EventsRead} events read, {TasksChecked} tasks checked, {Enqueued} enqueued (their effect was missing), complete: {Complete}")]
    private static partial void LogRun(ILogger logger, LogLevel level, DateTimeOffset from, DateTimeOffset to, int twilioRequests, int eventsRead, int tasksChecked, int enqueued, bool complete);
}
