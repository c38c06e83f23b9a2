using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>Poison messages carry their last error and can be replayed once the cause is fixed.</summary>
public sealed class PoisonReplayTests
{
    private const string AdminKey = FunctionsApp.AdminKey;
    private const string Path = "/api/ops/poison/replay";

    [SetUp]
    public Task Reset() => Remote.ResetAsync();

    [Test]
    public async Task PoisonedEventsAreLoggedWithTheirErrorAndReplayToSuccess()
    {
        var logs = new CapturingLoggerProvider();
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { [FlexScenario.QueueTrigger + "maxDequeueCount"] = "2", ["Admin:Key"] = AdminKey }, logs);
        using var client = scenario.App.CreateClient();
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "status", status = 500 });
        var first = NewTaskSid();
        var second = NewTaskSid();
        foreach (var taskSid in new[] { first, second })
        {
            var attributes = Attributes(new { from = "+14155551000" });
            await SeedTaskAsync(taskSid, attributes);
            await scenario.SendAsync("reservation.accepted", taskSid, attributes);
        }

        await WaitUntilAsync(async () => (await scenario.App.PoisonQueue.ExistsAsync()).Value
            && (await scenario.App.PoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 2, TimeSpan.FromSeconds(30));
        var poisoned = (await scenario.App.PoisonQueue.PeekMessagesAsync(maxMessages: 2)).Value
            .Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement).ToList();
        // As the host does: the message moves as it was, and the reason is in the log of its last delivery.
        Assert.That(poisoned.Select(p => p.GetProperty("taskSid").GetString()), Is.EquivalentTo(new[] { first, second }));
        Assert.That(logs.Lines.Count(l => l.Contains("-poison after 2 deliveries", StringComparison.Ordinal) && l.Contains("HTTP 500", StringComparison.Ordinal)), Is.EqualTo(2), string.Join("\n", logs.Lines.Where(l => l.Contains("poison", StringComparison.Ordinal))));

        // The cause is fixed; replay only the first task's event.
        using (var clear = await Remote.Control.DeleteAsync(new Uri("/_sandbox/faults", UriKind.Relative))) { clear.EnsureSuccessStatusCode(); }
        var firstId = poisoned.Single(p => p.GetProperty("taskSid").GetString() == first).GetProperty("id").GetString();
        var report = await ReplayAsync(client, new { ids = new[] { firstId } });
        Assert.That(report.GetProperty("replayed").GetInt32(), Is.EqualTo(1));
        Assert.That(report.GetProperty("skipped").GetInt32(), Is.EqualTo(1));
        await scenario.DrainAsync();

        Assert.That(NotesFor(await TicketForAsync(first), first, "accepted"), Is.EqualTo(1));
        Assert.That((await TicketsAsync()).Any(t => t.GetProperty("external_id").GetString() == second), Is.False);
    }

    [Test]
    public async Task ReplayNeedsTheAdminKey()
    {
        using var client = SharedApps.App(new Dictionary<string, string?> { ["Admin:Key"] = AdminKey }).CreateClient();
        using var anonymous = await client.PostAsJsonAsync(new Uri(Path, UriKind.Relative), new { });
        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Forbidden);
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(new { }) };
        request.Headers.Add("x-functions-key", "wrong");
        using var wrong = await client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(wrong, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task ReplayWithAnEmptyPoisonQueueReportsZero()
    {
        using var client = SharedApps.App(new Dictionary<string, string?> { ["Admin:Key"] = AdminKey }).CreateClient();
        var report = await ReplayAsync(client, new { });
        Assert.That(report.GetProperty("replayed").GetInt32(), Is.Zero);
    }

    private static async Task<JsonElement> ReplayAsync(HttpClient client, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(body) };
        request.Headers.Add("x-functions-key", AdminKey);
        using var response = await client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
