using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlexZendesk.Core.Telemetry;

/// <summary>
/// The app's counters (meter <see cref="FlexTelemetry.Name"/>). Recording costs nothing unless a meter provider
/// listens. Names and tags are what the workbook and alerts in infra/ query; change them together.
/// </summary>
public sealed class FlexZendeskMetrics
{
    private readonly Counter<long> _received;
    private readonly Counter<long> _processed;
    private readonly Counter<long> _ticketsCreated;
    private readonly Counter<long> _notesLogged;
    private readonly Counter<long> _zendeskCalls;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _twilioCalls;
    private readonly Counter<long> _poisoned;
    private readonly Counter<long> _reconciled;
    private readonly Histogram<double> _queueLatency;

    /// <param name="poisonDepth">
    /// Reads the poison queue's depth for the gauge <c>flexzendesk.poison.depth</c>: called only when an exporter
    /// collects (once a minute for Azure Monitor), never otherwise; null = no reading.
    /// </param>
    public FlexZendeskMetrics(IMeterFactory meterFactory, Func<long?> poisonDepth)
    {
        var meter = meterFactory.Create(FlexTelemetry.Name);
        _received = meter.CreateCounter<long>("flexzendesk.events.received", "{event}", "Callbacks accepted and enqueued, by source and event type");
        _processed = meter.CreateCounter<long>("flexzendesk.events.processed", "{event}", "Queue deliveries handled, by event type and outcome (completed, permanent, retry, invalid)");
        _ticketsCreated = meter.CreateCounter<long>("flexzendesk.tickets.created", "{ticket}", "Zendesk tickets created");
        _notesLogged = meter.CreateCounter<long>("flexzendesk.notes.logged", "{note}", "Internal notes logged, by stage");
        _zendeskCalls = meter.CreateCounter<long>("flexzendesk.zendesk.calls", "{call}", "Zendesk API calls, by method and status code (0: no answer)");
        _throttled = meter.CreateCounter<long>("flexzendesk.zendesk.throttled", "{event}", "Zendesk rate limiting: a 429 answer, or the shared budget spent (reason)");
        _twilioCalls = meter.CreateCounter<long>("flexzendesk.twilio.calls", "{call}", "Twilio API calls, by method and status code (0: no answer)");
        _poisoned = meter.CreateCounter<long>("flexzendesk.poison.messages", "{message}", "Messages moved to the poison queue");
        _reconciled = meter.CreateCounter<long>("flexzendesk.events.reconciled", "{event}", "Events read from TaskRouter's Events resource and enqueued because the webhook had not delivered them, by event type");
        _queueLatency = meter.CreateHistogram<double>("flexzendesk.queue.latency", "s", "From callback received to its processing start, by event type",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600] });
        meter.CreateObservableGauge("flexzendesk.poison.depth", () => poisonDepth() is { } depth ? [new Measurement<long>(depth)] : Array.Empty<Measurement<long>>(),
            "{message}", "Messages in the poison queue now (approximate)");
    }

    public void EventReceived(string source, string eventType) =>
        _received.Add(1, new TagList { { "source", source }, { "event_type", eventType } });

    public void EventProcessed(string eventType, string outcome) =>
        _processed.Add(1, new TagList { { "event_type", eventType }, { "outcome", outcome } });

    public void TicketCreated() => _ticketsCreated.Add(1);

    public void NoteLogged(string stage) => _notesLogged.Add(1, new KeyValuePair<string, object?>("stage", stage));

    public void ZendeskCall(string method, int statusCode) =>
        _zendeskCalls.Add(1, new TagList { { "method", method }, { "status_code", statusCode } });

    public void Throttled(string reason) => _throttled.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void TwilioCall(string method, int statusCode) =>
        _twilioCalls.Add(1, new TagList { { "method", method }, { "status_code", statusCode } });

    public void Poisoned() => _poisoned.Add(1);

    public void Reconciled(string eventType) => _reconciled.Add(1, new KeyValuePair<string, object?>("event_type", eventType));

    public void QueueLatency(string eventType, TimeSpan latency) =>
        _queueLatency.Record(Math.Max(0, latency.TotalSeconds), new KeyValuePair<string, object?>("event_type", eventType));
}
