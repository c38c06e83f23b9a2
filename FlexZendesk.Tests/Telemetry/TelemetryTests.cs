using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Azure.Monitor.OpenTelemetry.Exporter;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Functions.Hosting;
using FlexZendesk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Telemetry;

/// <summary>
/// The app's spans and metrics, read with OpenTelemetry's in-memory exporters wired exactly as the Azure Monitor
/// exporter is (same <c>AddFlexZendeskInstrumentation</c>), over a real lifecycle through queue, listener and sandbox.
/// </summary>
[NonParallelizable]
public sealed class TelemetryTests
{
    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];
    private string _queueName = "";
    private string _taskSid = "";

    /// <summary>One lifecycle; the app stops before any test reads the lists (<see cref="RunThenStopAsync"/>).</summary>
    [OneTimeSetUp]
    public async Task RunOneLifecycleAsync()
    {
        await Remote.ResetAsync();
        var scenario = new FlexScenario(services: Telemetry(_spans, _metrics));
        await RunThenStopAsync(scenario, _metrics, async () =>
        {
            _queueName = scenario.App.QueueName;
            _taskSid = NewTaskSid();
            var attributes = Attributes(new { from = "+14155550188", zd_ticket_id = "", channelType = "voice" });
            await SeedTaskAsync(_taskSid, attributes);
            foreach (var eventType in new[] { "task.created", "reservation.accepted", "task.completed" })
            {
                await scenario.SendAsync(eventType, _taskSid, attributes);
                await scenario.DrainAsync();
            }
        });
    }

    [Test]
    public void TraceRunsFromTheCallbackThroughTheQueueToEachZendeskAndTwilioCall()
    {
        var process = Single(_spans, s => s.Source.Name == FlexTelemetry.Name && s.DisplayName == "process reservation.accepted");
        var send = Single(_spans, s => s.SpanId == process.ParentSpanId);
        var ingress = Single(_spans, s => s.SpanId == send.ParentSpanId);
        var calls = _spans.Where(s => s.ParentSpanId == process.SpanId && s.Kind == ActivityKind.Client).Select(Url).ToList();
        TestContext.Progress.WriteLine("Calls under the accepted event's span: " + string.Join(", ", calls));

        Assert.Multiple(() =>
        {
            Assert.That(process.Kind, Is.EqualTo(ActivityKind.Consumer));
            Assert.That(process.GetTagItem("flexzendesk.task_sid"), Is.EqualTo(_taskSid));
            Assert.That(send.Kind, Is.EqualTo(ActivityKind.Producer));
            Assert.That(send.DisplayName, Is.EqualTo(_queueName + " send"), "the enqueue span names the queue");
            Assert.That(ingress.Kind, Is.EqualTo(ActivityKind.Server));
            Assert.That(ingress.GetTagItem("url.path"), Is.EqualTo("/api/taskrouter/events"));
            Assert.That(process.TraceId, Is.EqualTo(ingress.TraceId), "processing continues the callback's trace across the queue");
            Assert.That(calls, Has.Some.Contains("/api/v2/users/search"), "Zendesk user search");
            Assert.That(calls, Has.Some.Contains("/api/v2/tickets"), "Zendesk ticket create");
            Assert.That(calls, Has.Some.Contains("/v1/Workspaces/" + WorkspaceSid + "/Tasks/" + _taskSid), "Twilio task write-back");
        });
    }

    [Test]
    public async Task EveryZendeskCallTheSandboxSawIsCountedByStatus()
    {
        var seen = await ZendeskRequestsAsync();
        var counted = Points(_metrics, "flexzendesk.zendesk.calls");

        Assert.That(seen, Is.Not.Empty);
        Assert.That(counted.Sum(p => p.Value), Is.EqualTo(seen.Count));
        foreach (var group in seen.GroupBy(r => (Method: r.GetProperty("method").GetString()!, Status: r.GetProperty("status").GetInt32())))
        {
            Assert.That(counted.Where(p => Equals(p.Tags["method"], group.Key.Method) && Equals(p.Tags["status_code"], group.Key.Status)).Sum(p => p.Value),
                Is.EqualTo(group.Count()), $"{group.Key.Method} {group.Key.Status}");
        }
    }

    [Test]
    public void CountsEventsTicketsNotesAndQueueLatency()
    {
        var received = Points(_metrics, "flexzendesk.events.received");
        var processed = Points(_metrics, "flexzendesk.events.processed");
        var notes = Points(_metrics, "flexzendesk.notes.logged");
        var latency = _metrics.Last(m => m.Name == "flexzendesk.queue.latency").MetricPoints;

        Assert.Multiple(() =>
        {
            foreach (var eventType in new[] { "task.created", "reservation.accepted", "task.completed" })
            {
                Assert.That(received.Where(p => Equals(p.Tags["event_type"], eventType) && Equals(p.Tags["source"], "taskrouter")).Sum(p => p.Value), Is.EqualTo(1), eventType);
                Assert.That(processed.Where(p => Equals(p.Tags["event_type"], eventType) && Equals(p.Tags["outcome"], "completed")).Sum(p => p.Value), Is.EqualTo(1), eventType);
            }

            Assert.That(Points(_metrics, "flexzendesk.tickets.created").Sum(p => p.Value), Is.EqualTo(1));
            Assert.That(notes.Single(p => Equals(p.Tags["stage"], "accepted")).Value, Is.EqualTo(1));
            Assert.That(notes.Single(p => Equals(p.Tags["stage"], "completed")).Value, Is.EqualTo(1));
            Assert.That(Points(_metrics, "flexzendesk.twilio.calls").Sum(p => p.Value), Is.GreaterThanOrEqualTo(2), "task read + attribute write");
            Assert.That(latency.Sum(p => p.GetHistogramCount()), Is.EqualTo(3), "one latency per processed event");
            Assert.That(latency.Sum(p => p.GetHistogramSum()), Is.GreaterThan(0).And.LessThan(60));
        });
    }

    [Test]
    public async Task Zendesk429sAndPoisonMessagesAreCounted()
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        await Remote.ResetAsync();
        var scenario = new FlexScenario(services: Telemetry(spans, metrics));
        await RunThenStopAsync(scenario, metrics, async () =>
        {
            await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "status", status = 429, retry_after_seconds = 1, count = 1 });
            var taskSid = NewTaskSid();
            var attributes = Attributes(new { from = "+14155550189", zd_ticket_id = "" });
            await SeedTaskAsync(taskSid, attributes);
            await scenario.SendAsync("reservation.accepted", taskSid, attributes);
            await scenario.App.Queue.SendMessageAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes("not an envelope")));
            // This task's ticket (one CI run timed out waiting for exactly one ticket in the sandbox; the state below says
            // what was there should it happen again).
            async Task<List<JsonElement>> Mine() => [.. (await TicketsAsync()).Where(t => t.GetProperty("external_id").GetString() == taskSid)];
            await WaitUntilAsync(
                async () => (await Mine()).Count == 1 && (await scenario.App.PoisonQueue.PeekMessagesAsync()).Value.Length == 1,
                TimeSpan.FromSeconds(30),
                async () => $"{(await TicketsAsync()).Count} ticket(s) in the sandbox, {(await Mine()).Count} of this task; "
                    + $"{(await scenario.App.PoisonQueue.PeekMessagesAsync()).Value.Length} poison message(s); "
                    + $"{(await scenario.App.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount} message(s) on the queue, invisible ones included");
            // The ticket is in the sandbox before its processing span ends (the task write-back follows it); the listener
            // deletes the message after the span has ended.
            await scenario.DrainAsync();
        });

        Assert.Multiple(() =>
        {
            Assert.That(Points(metrics, "flexzendesk.zendesk.throttled").Where(p => Equals(p.Tags["reason"], "429")).Sum(p => p.Value), Is.EqualTo(1));
            Assert.That(Points(metrics, "flexzendesk.zendesk.calls").Where(p => Equals(p.Tags["status_code"], 429)).Sum(p => p.Value), Is.EqualTo(1));
            Assert.That(Points(metrics, "flexzendesk.poison.messages").Sum(p => p.Value), Is.EqualTo(1));
            Assert.That(metrics.Last(m => m.Name == "flexzendesk.poison.depth").MetricPoints.Single().GetGaugeLastValueLong(), Is.EqualTo(1), "the poison queue's depth");
            Assert.That(Points(metrics, "flexzendesk.events.processed").Where(p => Equals(p.Tags["outcome"], "retry")).Sum(p => p.Value), Is.EqualTo(1), "the 429");
            Assert.That(Points(metrics, "flexzendesk.events.processed").Where(p => Equals(p.Tags["outcome"], "invalid")).Sum(p => p.Value), Is.EqualTo(1));
            Assert.That(spans.Where(s => s.DisplayName == "process reservation.accepted").Select(s => s.Status),
                Is.EquivalentTo(new[] { ActivityStatusCode.Error, ActivityStatusCode.Unset }), "the throttled attempt is marked failed, the retry is not");
        });
    }

    [Test]
    public async Task WithAConnectionStringTracesMetricsAndLogsReachApplicationInsights()
    {
        // The sandbox stands in for the ingestion endpoint: this is the production wiring, exporter included, but for
        // its sampling. The exporter's default keeps a few traces a second (the listener's polls are traces too), so
        // on a busy machine the callback's trace was dropped (sample rates of 5-25 % seen); this test reads every one.
        await Remote.ResetAsync();
        var endpoint = Remote.BaseUrl.TrimEnd('/') + "/";
        var scenario = new FlexScenario(new Dictionary<string, string?>
        {
            [TelemetryRegistration.ConnectionStringKey] = $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={endpoint};LiveEndpoint={endpoint}",
        }, services: services => services.Configure<AzureMonitorExporterOptions>(exporter =>
        {
            exporter.TracesPerSecond = null;
            exporter.SamplingRatio = 1F;
        }));
        var taskSid = NewTaskSid();
        try
        {
            var attributes = Attributes(new { from = "+14155550191", zd_ticket_id = "" });
            await SeedTaskAsync(taskSid, attributes);
            await scenario.SendAsync("reservation.accepted", taskSid, attributes);
            await scenario.DrainAsync();
        }
        finally
        {
            await scenario.DisposeAsync(); // stopping the app must export what is pending (TelemetryFlush)
        }

        var items = await Remote.TelemetryAsync();
        var text = string.Join("\n", items.Select(i => i.GetRawText()));
        List<string> Of(string type) => [.. items.Where(i => i.GetProperty("name").GetString() == type).Select(i => i.GetProperty("data").GetProperty("baseData").GetRawText())];
        TestContext.Progress.WriteLine($"Telemetry items: {string.Join(", ", items.GroupBy(i => i.GetProperty("name").GetString()).Select(g => $"{g.Key} {g.Count()}"))}");
        Assert.Multiple(() =>
        {
            Assert.That(Of("Request"), Has.Some.Contains("/api/taskrouter/events"), "the callback as a request");
            Assert.That(Of("RemoteDependency"), Has.Some.Contains("/api/v2/tickets"), "the Zendesk call as a dependency");
            Assert.That(Of("Request"), Has.Some.Contains("process reservation.accepted"), "the processing span (a consumer span is a request)");
            Assert.That(Of("Metric"), Has.Some.Contains("flexzendesk.tickets.created"));
            Assert.That(Of("Message"), Has.Some.Contains("Created Zendesk ticket"), "logs");
            Assert.That(text, Does.Not.Contain(SandboxServer.ZendeskToken).And.Not.Contain(FunctionsApp.AuthToken), "no secret leaves in telemetry");
        });
    }

    [Test]
    public async Task ExportsOnlyWhenAnApplicationInsightsConnectionStringIsSet()
    {
        var plain = SharedApps.App();
        Assert.That(plain.Services.GetService<TracerProvider>(), Is.Null, "no OpenTelemetry pipeline without a connection string");
        Assert.That(plain.Services.GetService<MeterProvider>(), Is.Null);

        // An ingestion endpoint where nothing listens: the app must start and serve regardless.
        using var closed = new RefusingPort();
        using var exporting = new FunctionsApp(new Dictionary<string, string?>
        {
            [TelemetryRegistration.ConnectionStringKey] = $"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:{closed.Port}/",
        });
        using var client = exporting.CreateClient();
        // The readiness probe: it answers without a storage call (the health check's would make this test fail when
        // Azurite is slow, which is not what it is about).
        using var ready = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Multiple(() =>
        {
            Assert.That(exporting.Services.GetService<TracerProvider>(), Is.Not.Null);
            Assert.That(exporting.Services.GetService<MeterProvider>(), Is.Not.Null);
            Assert.That(ready.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), "it serves while its exporter finds no endpoint");
        });
    }

    private static Action<IServiceCollection> Telemetry(List<Activity> spans, List<MetricSnapshot> metrics) => services =>
        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddFlexZendeskInstrumentation().AddInMemoryExporter(spans))
            .WithMetrics(meters => meters.AddFlexZendeskInstrumentation().AddInMemoryExporter(metrics));

    private static void Flush(IServiceProvider services)
    {
        services.GetRequiredService<TracerProvider>().ForceFlush();
        services.GetRequiredService<MeterProvider>().ForceFlush();
    }

    /// <summary>
    /// Runs <paramref name="work"/>, flushes the exporters, then stops the app before any list is read: its exporters
    /// append from other threads while it runs (the listener's polls are spans too), and enumerating a list while it
    /// grows throws. The metric export the app makes as it stops is dropped: by then its queues are deleted, so the
    /// poison depth it reads is 0 (seen in CI). Metrics are exported only on a flush or a stop here (the periodic export
    /// is a minute away).
    /// </summary>
    private static async Task RunThenStopAsync(FlexScenario scenario, List<MetricSnapshot> metrics, Func<Task> work)
    {
        var exported = 0;
        try
        {
            await work();
            Flush(scenario.App.Services);
            exported = metrics.Count;
        }
        finally
        {
            await scenario.DisposeAsync();
        }

        metrics.RemoveRange(exported, metrics.Count - exported);
    }

    /// <summary>The counter's points in the latest export (exports are cumulative), with their tags.</summary>
    private static List<(Dictionary<string, object?> Tags, long Value)> Points(List<MetricSnapshot> metrics, string name)
    {
        var latest = metrics.LastOrDefault(m => m.Name == name);
        var points = new List<(Dictionary<string, object?>, long)>();
        foreach (var point in latest?.MetricPoints ?? [])
        {
            var tags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value;
            }

            points.Add((tags, point.GetSumLong()));
        }

        return points;
    }

    private static Activity Single(List<Activity> spans, Func<Activity, bool> match)
    {
        lock (spans)
        {
            var found = spans.Where(match).ToList();
            Assert.That(found, Has.Count.EqualTo(1), "spans: " + string.Join(", ", spans.Select(s => s.DisplayName)));
            return found[0];
        }
    }

    private static string Url(Activity span) => span.GetTagItem("url.full") as string ?? span.DisplayName;
}
