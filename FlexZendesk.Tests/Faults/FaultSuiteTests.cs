using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Faults;

/// <summary>
/// Zendesk and Twilio failing in every way the sandbox can inject. After each: every task has exactly one ticket
/// and one note per configured stage, and nothing a retry could fix is in the poison queue.
/// </summary>
public sealed class FaultSuiteTests
{
    private static readonly string[] Lifecycle = ["task.created", "reservation.accepted", "task.completed"];

    private static IEnumerable<TestCaseData> ZendeskFaults()
    {
        yield return new TestCaseData("5xx", new { api = "zendesk", mode = "status", status = 500, count = 4 });
        yield return new TestCaseData("503 on every ticket write", new { api = "zendesk", mode = "status", status = 503, path_contains = "/tickets", count = 3 });
        yield return new TestCaseData("429 with Retry-After", new { api = "zendesk", mode = "status", status = 429, retry_after_seconds = 1, count = 4 });
        yield return new TestCaseData("slow past the client timeout", new { api = "zendesk", mode = "delay", delay_ms = 1500, count = 3 });
        yield return new TestCaseData("ticket created, answer lost", new { api = "zendesk", mode = "delay", after = true, delay_ms = 1500, method = "POST", path_contains = "/tickets", count = 1 });
        yield return new TestCaseData("note added, answer lost", new { api = "zendesk", mode = "delay", after = true, delay_ms = 1500, method = "PUT", path_contains = "/tickets/", count = 2 });
        yield return new TestCaseData("connection dropped before", new { api = "zendesk", mode = "drop", count = 3 });
        yield return new TestCaseData("connection dropped after the effect", new { api = "zendesk", mode = "drop", after = true, count = 3 });
    }

    [SetUp]
    public Task Reset() => Remote.ResetAsync();

    [TestCaseSource(nameof(ZendeskFaults))]
    public async Task ZendeskFaultStillGivesExactlyOnce(string fault, object rule)
    {
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { ["Zendesk:TimeoutSeconds"] = "1" });
        await Remote.PostControlAsync("/_sandbox/faults", rule);
        var tasks = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var taskSid = NewTaskSid();
            tasks.Add(taskSid);
            var attributes = Attributes(new { from = "+1415555" + (2000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await SeedTaskAsync(taskSid, attributes);
            foreach (var eventType in Lifecycle)
            {
                var eventSid = "EV" + Guid.NewGuid().ToString("N");
                await scenario.SendAsync(eventType, taskSid, attributes, eventSid);
                await scenario.SendAsync(eventType, taskSid, attributes, eventSid); // a duplicate delivery
            }
        }

        await WaitUntilAsync(async () => await AllLoggedAsync(tasks), TimeSpan.FromSeconds(90));
        await scenario.DrainAsync();

        var faulted = (await Remote.StateAsync()).GetProperty("requests").EnumerateArray().Count(r => r.GetProperty("status").GetInt32() is >= 429 or 499);
        TestContext.Progress.WriteLine($"{fault}: {faulted} faulted Zendesk answers");
        Assert.That(faulted, Is.GreaterThan(0), "the fault was actually injected");
        await AssertExactlyOnceAsync(tasks, scenario);
    }

    [Test]
    public async Task WriteBackSurvivesA412Storm()
    {
        await using var scenario = new FlexScenario();
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155552100" });
        await SeedTaskAsync(taskSid, attributes);
        // More 412s than one attempt's 5 tries: the message is retried and the write-back completes.
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "twilio", mode = "status", status = 412, method = "POST", path_contains = "/Tasks/", count = 7 });

        await scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await WaitUntilAsync(async () => (await TaskAttributesAsync(taskSid)).Contains("zd_ticket_id", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await scenario.DrainAsync();

        var written = JsonDocument.Parse(await TaskAttributesAsync(taskSid)).RootElement;
        Assert.That(written.GetProperty("zd_ticket_id").GetString(), Is.EqualTo((await TicketForAsync(taskSid)).GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await AssertExactlyOnceAsync([taskSid], scenario, stages: ["accepted"]);
    }

    private static async Task<bool> AllLoggedAsync(List<string> tasks)
    {
        var tickets = await TicketsAsync();
        return tasks.All(t => tickets.Any(k => k.GetProperty("external_id").GetString() == t && NotesFor(k, t, "completed") >= 1 && NotesFor(k, t, "accepted") >= 1));
    }

    private static async Task AssertExactlyOnceAsync(List<string> tasks, FlexScenario scenario, string[]? stages = null)
    {
        var tickets = await TicketsAsync();
        Assert.Multiple(async () =>
        {
            foreach (var taskSid in tasks)
            {
                var mine = tickets.Where(t => t.GetProperty("external_id").GetString() == taskSid).ToList();
                Assert.That(mine, Has.Count.EqualTo(1), $"one ticket for {taskSid}");
                foreach (var stage in stages ?? ["accepted", "completed"])
                {
                    Assert.That(mine.Sum(t => NotesFor(t, taskSid, stage)), Is.EqualTo(1), $"one {stage} note for {taskSid}");
                }
            }

            Assert.That((await scenario.App.PoisonQueue.ExistsAsync()).Value && (await scenario.App.PoisonQueue.PeekMessagesAsync()).Value.Length > 0, Is.False, "nothing poisoned");
        });
    }
}
