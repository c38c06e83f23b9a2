using System.Net;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Faults;

/// <summary>Azure Storage going away mid-run: callbacks get 503 (Twilio retries), processing waits, nothing is lost or doubled.</summary>
[Category(TestCategories.Outage)]
public sealed class StorageOutageTests
{
    [Test]
    public async Task AzuriteStoppedAndRestartedMidRun()
    {
        await Remote.ResetAsync();
        await using var storage = new Azurite(persistent: true);
        await storage.StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage.ConnectionString }, logs);
        var tasks = Enumerable.Range(0, 3).Select(_ => NewTaskSid()).ToList();
        var attributes = Attributes(new { from = "+14155552200" });
        foreach (var taskSid in tasks)
        {
            await SeedTaskAsync(taskSid, attributes);
            await scenario.SendAsync("reservation.accepted", taskSid, attributes);
        }

        // Messages in flight when storage dies come back only after their 5-minute processing lease (as under
        // the host); let this first wave finish so the outage falls between events.
        await WaitUntilAsync(async () => (await TicketsAsync()).Count(t => tasks.Contains(t.GetProperty("external_id").GetString()!)) == tasks.Count, TimeSpan.FromSeconds(30));
        await scenario.DrainAsync();
        await storage.StopAsync();
        var duringOutage = await scenario.TrySendAsync("task.completed", tasks[0], attributes, "EV" + Guid.NewGuid().ToString("N"));
        // The outage lasts until the listener has felt it: its receive failed and it kept polling.
        await WaitUntilAsync(() => Task.FromResult(logs.Lines.Any(l => l.Contains("Could not receive from the queue", StringComparison.Ordinal))), TimeSpan.FromSeconds(30));
        await storage.StartAsync();

        // Twilio retries what got 503 (the #rc=3&rp=all override); do the same, with the same event Sid.
        foreach (var taskSid in tasks)
        {
            var eventSid = "EV" + Guid.NewGuid().ToString("N");
            for (var attempt = 0; await scenario.TrySendAsync("task.completed", taskSid, attributes, eventSid) != HttpStatusCode.NoContent; attempt++)
            {
                Assert.That(attempt, Is.LessThan(50), "storage came back but callbacks are still refused");
                await Task.Delay(200);
            }
        }

        await WaitUntilAsync(async () =>
        {
            var tickets = await TicketsAsync();
            return tasks.All(t => tickets.Any(k => k.GetProperty("external_id").GetString() == t && NotesFor(k, t, "completed") == 1));
        }, TimeSpan.FromSeconds(60));
        await scenario.DrainAsync();

        var all = await TicketsAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(duringOutage, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "ingress said 503 while storage was down");
            foreach (var taskSid in tasks)
            {
                var mine = all.Where(t => t.GetProperty("external_id").GetString() == taskSid).ToList();
                Assert.That(mine, Has.Count.EqualTo(1));
                Assert.That(NotesFor(mine[0], taskSid, "accepted"), Is.EqualTo(1));
                Assert.That(NotesFor(mine[0], taskSid, "completed"), Is.EqualTo(1));
            }

            Assert.That((await scenario.App.PoisonQueue.ExistsAsync()).Value, Is.False, "nothing poisoned");
        });
    }
}
