using Stopwatch = System.Diagnostics.Stopwatch;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core.Tickets;
using FlexZendesk.Core.Twilio;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TaskRouterEvent = Twilio.Rest.Taskrouter.V1.Workspace.EventResource;

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
/// Reads: one request per handled event type (a transfer prefix reads all types, filtered here) per span of at most
/// six hours, <c>PageSize</c> 1,000, never a second page: a full answer splits its span in two and reads both halves,
/// down to one second. Storage: one ledger read per task seen, one watermark write per span.
/// </remarks>
public sealed partial class EventReconciler(
    TwilioRest twilio,
    LedgerStore ledgers,
    FlexEventProcessor processor,
    EventQueueWriter queue,
    EventTypeFilter ingress,
    ReconcileWatermark watermark,
    FlexZendeskMetrics metrics,
    IOptions<ReconcileOptions> options,
    IOptions<TwilioOptions> twilioOptions,
    IOptions<TicketOptions> ticketOptions,
    IOptions<NoteOptions> noteOptions,
    IOptions<ZendeskOptions> zendeskOptions,
    TimeProvider clock,
    ILogger<EventReconciler> logger)
{
    public const int PageSize = 1000;
    private static readonly TimeSpan Span = TimeSpan.FromHours(6);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);
    private readonly string _owner = Guid.NewGuid().ToString("N");
    private readonly string[] _types = HandledTypes(noteOptions.Value, ticketOptions.Value, zendeskOptions.Value, ingress);

    /// <summary>
    /// The event types processing acts on (ticket creation, the configured stages, the call's voice comment or call
    /// record at completion, an abandoned call's record), as the ingress filter allows them.
    /// </summary>
    public IReadOnlyList<string> EventTypes => _types;

    private static string[] HandledTypes(NoteOptions notes, TicketOptions tickets, ZendeskOptions zendesk, EventTypeFilter ingress) =>
        [.. notes.StageSet.SelectMany(TaskStages.EventTypesOf).Append(tickets.CreateOn)
            .Concat(notes.VoiceComment || zendesk.TalkAppId is not null ? ["task.completed"] : [])
            .Concat(zendesk.TalkAppId is not null ? ["task.canceled"] : [])
            .Distinct(StringComparer.Ordinal).Where(t => t.EndsWith('*') || ingress.Allows(t)).Order(StringComparer.Ordinal)];

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
        var requests = 0;
        var events = new Dictionary<string, TaskRouterEvent>(StringComparer.Ordinal);
        var types = _types;
        // A prefix (transfers) cannot be asked for: then one read of every type, kept as the filter allows.
        string?[] reads = types.Any(t => t.EndsWith('*')) ? [null] : [.. types];
        foreach (var type in reads)
        {
            requests += await ReadAsync(workspace, from, to, type, events, cancellationToken);
        }

        var wanted = new EventTypeFilter(string.Join(',', types));
        var now = clock.GetUtcNow();
        var byTask = events.Values
            .OrderBy(EventsResource.DateOf)
            .Select(e => EventsResource.ToEnvelope(e, now))
            .Where(e => e.TaskSid is not null && wanted.Allows(e.EventType) && ingress.Allows(e.EventType))
            .GroupBy(e => e.TaskSid!, StringComparer.Ordinal)
            .ToList();
        var enqueued = 0;
        foreach (var task in byTask)
        {
            var ledger = await ledgers.LoadAsync(task.Key, cancellationToken);
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

    /// <summary>Reads every event of the span into <paramref name="into"/>, halving a span whose answer was full; returns the requests made.</summary>
    private async Task<int> ReadAsync(string workspace, DateTimeOffset from, DateTimeOffset to, string? type, Dictionary<string, TaskRouterEvent> into, CancellationToken cancellationToken)
    {
        var requests = 0;
        var spans = new Stack<(DateTimeOffset From, DateTimeOffset To)>();
        spans.Push((from, to));
        while (spans.TryPop(out var span))
        {
            var page = await twilio.EventsAsync(workspace, span.From, span.To, type, PageSize, cancellationToken);
            requests++;
            // The resource filters by whole seconds: a half is whole seconds too, and the halves share their middle second.
            var middle = WholeSecond(span.From + ((span.To - span.From) / 2));
            if (page.Count >= PageSize && middle > WholeSecond(span.From))
            {
                spans.Push((middle, span.To));
                spans.Push((span.From, middle));
                continue;
            }

            if (page.Count >= PageSize)
            {
                LogFullSecond(logger, PageSize, type ?? "(all)", span.From);
            }

            foreach (var e in page.Where(e => e.Sid is not null))
            {
                into.TryAdd(e.Sid, e);
            }
        }

        return requests;
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    [LoggerMessage(LogLevel.Debug, "Reconcile: off ({Reason})")]
    private static partial void LogOff(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "Reconcile: another run holds workspace {WorkspaceSid}'s lease; this one does nothing")]
    private static partial void LogBusy(ILogger logger, string workspaceSid);

    [LoggerMessage(LogLevel.Warning, "Reconcile: the watermark {Watermark:o} is older than Reconcile:LookBackMinutes ({LookBackMinutes}); events from before {Oldest:o} are not read")]
    private static partial void LogGap(ILogger logger, DateTimeOffset watermark, DateTimeOffset oldest, int lookBackMinutes);

    [LoggerMessage(LogLevel.Warning, "Reconcile: lost workspace {WorkspaceSid}'s lease to another run; stopped at {Until:o}")]
    private static partial void LogLeaseLost(ILogger logger, string workspaceSid, DateTimeOffset until);

    [LoggerMessage(LogLevel.Warning, "Reconcile: more than {PageSize} {EventType} events within the second from {Second:o}: the resource gives no more, so the rest of that second is not read")]
    private static partial void LogFullSecond(ILogger logger, int pageSize, string eventType, DateTimeOffset second);

    [LoggerMessage(LogLevel.Debug, "Reconcile: enqueued {EventType} {EventId} for task {TaskSid}: its effect was missing (the webhook did not deliver it, or has not been processed yet)")]
    private static partial void LogEnqueued(ILogger logger, string eventType, string eventId, string taskSid);

    /// <summary>One line per run; a Warning when it enqueued anything: the webhook missed events (or was slow), which operators should know.</summary>
    private static void Log(ILogger logger, ReconcileResult r) =>
        LogRun(logger, r.Enqueued > 0 ? LogLevel.Warning : LogLevel.Information, r.From, r.To, r.TwilioRequests, r.EventsRead, r.TasksChecked, r.Enqueued, r.Complete);

    [LoggerMessage("Reconcile: {From:o} to {To:o}: {TwilioRequests} Twilio requests, {EventsRead} events read, {TasksChecked} tasks checked, {Enqueued} enqueued (their effect was missing), complete: {Complete}")]
    private static partial void LogRun(ILogger logger, LogLevel level, DateTimeOffset from, DateTimeOffset to, int twilioRequests, int eventsRead, int tasksChecked, int enqueued, bool complete);
}
