using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>Poison messages carry their last error and can be replayed once the cause is fixed.</summary>
public sealed class PoisonReplayTests
{
    private const string AdminKey = "test-admin-key-not-real";
    private const string Path = "/api/ops/poison/replay";

    [SetUp]
    public Task Reset() => Remote.ResetAsync();

    [Test]
    public async Task PoisonedEventsCarryTheirErrorAndReplayToSuccess()
    {
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { ["Queues:MaxDequeueCount"] = "2", ["Admin:Key"] = AdminKey });
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
        Assert.That(poisoned.Select(p => p.GetProperty("lastError").GetString()), Has.All.Contains("HTTP 500"));
        Assert.That(poisoned.Select(p => p.TryGetProperty("failedAt", out _)), Has.All.True);

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
        await using var app = new FunctionsApp(new Dictionary<string, string?> { ["Admin:Key"] = AdminKey });
        using var client = app.CreateClient();
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
        await using var app = new FunctionsApp(new Dictionary<string, string?> { ["Admin:Key"] = AdminKey });
        using var client = app.CreateClient();
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
