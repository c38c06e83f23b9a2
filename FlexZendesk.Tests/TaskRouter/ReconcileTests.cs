using Azure.Data.Tables;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.TaskRouter;

/// <summary>
/// Gap-free: the timer reads TaskRouter's Events resource (the sandbox serves the events it recorded) and enqueues
/// what the webhook did not deliver, through the same queue and idempotent processing.
/// </summary>
public sealed class ReconcileTests
{
    private static readonly string[] Lifecycle = ["task.created", "reservation.accepted", "task.completed"];

    [SetUp]
    public Task Reset() => Remote.ResetAsync();

    private static Dictionary<string, string?> Reconciling(string listen = "true") => new()
    {
        ["Reconcile:Enabled"] = "true",
        ["Reconcile:Schedule"] = "*/1 * * * * *",
        ["Reconcile:SettleSeconds"] = "0",
        ["Queues:Listen"] = listen,
    };

    [Test]
    public async Task LifecyclesTheWebhookMissedGetEveryEffectExactlyOnce()
    {
        await using var scenario = new FlexScenario(Reconciling());
        var phases = new[] { (Webhook: true, Tasks: new List<string>()), (false, []), (true, []) };
        foreach (var (webhook, tasks) in phases)
        {
            for (var i = 0; i < 3; i++)
            {
                var taskSid = NewTaskSid();
                var attributes = Attributes(new { from = "+1415556" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture) });
                await SeedTaskAsync(taskSid, attributes);
                foreach (var eventType in Lifecycle)
                {
                    await scenario.EmitAsync(eventType, taskSid, attributes, webhook);
                }

                tasks.Add(taskSid);
            }
        }

        var all = phases.SelectMany(p => p.Tasks).ToList();
        await WaitUntilAsync(async () =>
        {
            var tickets = await TicketsAsync();
            return all.All(t => tickets.Any(k => k.GetProperty("external_id").GetString() == t && NotesFor(k, t, "completed") == 1));
        }, TimeSpan.FromSeconds(60));

        // Every event is now behind the watermark of a finished run, and what it enqueued is processed.
        var done = DateTimeOffset.UtcNow;
        await WaitUntilAsync(async () => await WatermarkAsync(scenario.App) >= done, TimeSpan.FromSeconds(30));
        await scenario.DrainAsync();

        var tickets = await TicketsAsync();
        var eventReads = (await Remote.StateAsync()).GetProperty("requests").EnumerateArray()
            .Where(r => r.GetProperty("path").GetString()!.EndsWith("/Events", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            foreach (var taskSid in all)
            {
                var mine = tickets.Where(k => k.GetProperty("external_id").GetString() == taskSid).ToList();
                Assert.That(mine, Has.Count.EqualTo(1), $"one ticket for {taskSid}");
                Assert.That(mine.Sum(k => NotesFor(k, taskSid, "accepted")), Is.EqualTo(1), $"one accepted note for {taskSid}");
                Assert.That(mine.Sum(k => NotesFor(k, taskSid, "completed")), Is.EqualTo(1), $"one completed note for {taskSid}");
            }

            Assert.That(eventReads, Is.Not.Empty, "the Events resource was read");
            Assert.That(eventReads.All(r => r.GetProperty("status").GetInt32() == 200), "every read was accepted (no Page parameter)");
        });
    }

    [Test]
    public async Task AnEventFromTheEventsResourceMakesTheEnvelopeItsCallbackWould()
    {
        await using var scenario = new FlexScenario(Reconciling(listen: "false"));
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550777", zdCustomTags = "vip" });
        await scenario.EmitAsync("reservation.accepted", taskSid, attributes, webhook: true);
        var delivered = (await scenario.App.PeekEnvelopesAsync()).Single();
        // Read back while the callback's message is still queued: the ledger shows nothing done, so the event is owed.
        await WaitUntilAsync(async () => (await scenario.App.PeekEnvelopesAsync()).Count >= 2, TimeSpan.FromSeconds(30));
        var reconciled = (await scenario.App.PeekEnvelopesAsync())[1];

        Assert.Multiple(() =>
        {
            Assert.That(reconciled.Id, Is.EqualTo(delivered.Id), "one event Sid on both paths");
            Assert.That(reconciled.EventType, Is.EqualTo(delivered.EventType));
            Assert.That(reconciled.TaskSid, Is.EqualTo(taskSid));
            Assert.That(reconciled.TaskAttributes?.GetRawText(), Is.EqualTo(delivered.TaskAttributes?.GetRawText()));
            foreach (var key in new[] { "WorkspaceSid", "AccountSid", "TaskQueueName", "TaskQueueSid", "WorkflowSid", "TaskChannelUniqueName", "WorkerName", "TaskAge", "ResourceSid" })
            {
                Assert.That(reconciled.Fields.GetValueOrDefault(key), Is.EqualTo(delivered.Fields[key]), key);
            }
        });
    }

    [Test]
    public async Task MoreEventsThanOneAnswerHoldsAreReadBySplittingTheSpanNeverByPaging()
    {
        // 1,200 accepted events, two a second from 20 minutes ago, back-dated: one answer holds at most 1,000.
        var start = DateTimeOffset.UtcNow.AddMinutes(-20);
        for (var i = 0; i < 1200; i++)
        {
            var fields = TaskRouterSamples.Event("reservation.accepted", "EV" + Guid.NewGuid().ToString("N"))
                .Select(f => f.Key is "TaskSid" or "ResourceSid" ? new(f.Key, $"WT{i:D32}") : f).ToDictionary();
            await Remote.PostControlAsync("/_sandbox/events", new { fields, event_date = start.AddMilliseconds(500 * i) });
        }

        await using var scenario = new FlexScenario(Reconciling(listen: "false"));
        await WaitUntilAsync(async () => await WatermarkAsync(scenario.App) > DateTimeOffset.UtcNow.AddMinutes(-1), TimeSpan.FromSeconds(60));

        var reads = (await Remote.StateAsync()).GetProperty("requests").EnumerateArray()
            .Where(r => r.GetProperty("path").GetString()!.EndsWith("/Events", StringComparison.Ordinal)).ToList();
        var queued = (await scenario.App.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        Assert.Multiple(() =>
        {
            Assert.That(queued, Is.EqualTo(1200), "every event, once");
            Assert.That(reads.Count, Is.GreaterThan(1), "a full answer split its span");
            Assert.That(reads.All(r => r.GetProperty("status").GetInt32() == 200), "no read used Page");
        });
    }

    /// <summary>How far reconciliation got, from its row in storage.</summary>
    private static async Task<DateTimeOffset?> WatermarkAsync(FunctionsApp app)
    {
        var table = new TableClient(app.Storage, app.TablePrefix + "Reconcile");
        await table.CreateIfNotExistsAsync();
        var row = await table.GetEntityIfExistsAsync<TableEntity>(FunctionsApp.WorkspaceSid, "events");
        return row.HasValue && row.Value!.GetInt64("UntilTicks") is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }
}
