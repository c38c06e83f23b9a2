using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>Zendesk's limits are respected before Zendesk has to say 429, and a 429 costs no delivery.</summary>
public sealed class ZendeskBudgetTests
{
    [SetUp]
    public Task Reset() => Remote.ResetAsync();

    [Test]
    public async Task A429IsRescheduledWithoutSpendingADelivery()
    {
        // One delivery allowed: if the 429 burned it, the message would be poisoned.
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { [FlexScenario.QueueTrigger + "maxDequeueCount"] = "1" });
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "status", status = 429, retry_after_seconds = 1, count = 1 });
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550800" });
        await SeedTaskAsync(taskSid, attributes);

        await scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await scenario.DrainAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(NotesFor(await TicketForAsync(taskSid), taskSid, "accepted"), Is.EqualTo(1));
            Assert.That((await ZendeskRequestsAsync()).Count(r => r.GetProperty("status").GetInt32() == 429), Is.EqualTo(1));
            Assert.That((await scenario.App.PoisonQueue.ExistsAsync()).Value, Is.False);
        });
    }

    /// <remarks>
    /// Outlasts a minute by design (more calls than a minute's budget): category <c>Minute</c>, which scripts/test runs in
    /// a test process of its own, with its own Azurite and sandbox, alongside the rest (<see cref="TestCategories"/>).
    /// </remarks>
    [Test]
    [Category(TestCategories.Minute)]
    public async Task TwoInstancesShareOnePlanBudgetAndKeepZendeskFromAnswering429()
    {
        // More calls (8 new callers x 4) than the minute allows, worked by two instances of one deployment (one queue, one
        // storage account), each set to the account's 30: with a budget per instance, Zendesk would answer 429.
        Remote.Options.RequestsPerMinute = 30;
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { ["Zendesk:RequestsPerMinute"] = "30" });
        await using var second = new FlexScenario(new Dictionary<string, string?>
        {
            ["Zendesk:RequestsPerMinute"] = "30",
            ["Queues:EventsQueue"] = scenario.App.QueueName,
            ["Ledger:TablePrefix"] = scenario.App.TablePrefix,
        });
        var tasks = Enumerable.Range(0, 8).Select(_ => NewTaskSid()).ToList();
        foreach (var (taskSid, i) in tasks.Select((t, i) => (t, i)))
        {
            // Distinct callers: a shared number would make a known caller, with fewer calls.
            var attributes = Attributes(new { from = "+14155556" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture) });
            await SeedTaskAsync(taskSid, attributes);
            await scenario.SendAsync("reservation.accepted", taskSid, attributes);
            await scenario.SendAsync("task.completed", taskSid, attributes);
        }

        await WaitUntilAsync(async () =>
        {
            var tickets = await TicketsAsync();
            // Both notes: whichever event came first created the ticket with its note; the other note is the last call.
            return tasks.All(t => tickets.Any(k => k.GetProperty("external_id").GetString() == t && NotesFor(k, t, "accepted") == 1 && NotesFor(k, t, "completed") == 1));
        }, TimeSpan.FromSeconds(150));

        var calls = await ZendeskRequestsAsync();
        Assert.That(calls, Has.Count.GreaterThan(30), "the test must need more than one minute's budget");
        Assert.Multiple(async () =>
        {
            Assert.That(calls.Count(r => r.GetProperty("status").GetInt32() == 429), Is.Zero, "the shared budget spent turns before Zendesk had to refuse");
            foreach (var taskSid in tasks)
            {
                var ticket = await TicketForAsync(taskSid);
                Assert.That((NotesFor(ticket, taskSid, "accepted"), NotesFor(ticket, taskSid, "completed")), Is.EqualTo((1, 1)));
            }
        });
    }
}
