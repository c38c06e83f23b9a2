using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>
/// The agent's side through the real app and the stateful sandbox: the worker found as a Zendesk agent by e-mail, the
/// ticket assigned to and noted by them, the ticket popped on their screen, and what an offline agent or an account
/// without Talk Partner Edition costs (nothing lost, nothing retried).
/// </summary>
public sealed class AgentSideTests : ScenarioFixture
{
    private const string AdminKey = FunctionsApp.AdminKey;

    private protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Admin:Key"] = AdminKey };

    private static string NewWorkerSid() => "WK" + Guid.NewGuid().ToString("N");

    /// <summary>A Zendesk agent with the worker's SSO e-mail; <paramref name="online"/>: a Zendesk tab is open.</summary>
    private static async Task<long> SeedAgentAsync(string email, bool online) =>
        (await Remote.PostControlAsync("/_sandbox/users", new { name = "Alice", email, role = "agent", online })).GetProperty("user").GetProperty("id").GetInt64();

    private static async Task<string> LifecycleAsync(FlexScenario scenario, string workerSid, string email)
    {
        var taskSid = NewTaskSid();
        // A caller of its own: the app's requester cache outlives the sandbox's reset between tests.
        var json = Attributes(new { from = $"+1415{Random.Shared.Next(1_000_000, 9_999_999)}", zd_ticket_id = "", channelType = "voice" });
        await SeedTaskAsync(taskSid, json);
        await scenario.SendAsync("task.created", taskSid, json);
        await scenario.SendForWorkerAsync("reservation.accepted", taskSid, json, workerSid, "Alice", new { email, full_name = "Alice", roles = new[] { "agent" } });
        await scenario.DrainAsync();
        await scenario.SendAsync("task.completed", taskSid, json);
        await scenario.DrainAsync();
        return taskSid;
    }

    private static long? Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    [Test]
    public async Task TheAcceptingAgentGetsTheTicketItsNotesAndTheScreenPop()
    {
        var email = $"alice-{Guid.NewGuid():N}@example.test";
        var alice = await SeedAgentAsync(email, online: true);

        var taskSid = await LifecycleAsync(Scenario, NewWorkerSid(), email);

        var ticket = await TicketForAsync(taskSid);
        var state = await Remote.StateAsync();
        var calls = await ZendeskRequestsAsync();
        TestContext.Progress.WriteLine($"Zendesk calls, new caller, agent's first task with a pop: {calls.Count} ({string.Join(", ", calls.Select(c => c.GetProperty("method").GetString() + " " + c.GetProperty("path").GetString()))})");
        Assert.Multiple(() =>
        {
            Assert.That((Long(ticket, "assignee_id"), Long(ticket, "submitter_id")), Is.EqualTo(((long?)alice, (long?)alice)));
            Assert.That(ticket.GetProperty("comments").EnumerateArray().Select(c => Long(c, "author_id")), Is.All.EqualTo(alice), "every note is the agent's");
            Assert.That(NotesFor(ticket, taskSid, "accepted") + NotesFor(ticket, taskSid, "completed"), Is.EqualTo(2));
            var pop = state.GetProperty("pops").EnumerateArray().Single();
            Assert.That((Long(pop, "agent_id"), pop.GetProperty("kind").GetString(), Long(pop, "id")), Is.EqualTo(((long?)alice, "ticket", Long(ticket, "id"))));
            Assert.That(calls, Has.Count.EqualTo(6), "today's 4, the worker's first lookup, the pop");
        });
    }

    [Test]
    public async Task AnAgentWithNoZendeskTabGetsNoPopAndEveryNoteAllTheSame()
    {
        var email = $"alice-{Guid.NewGuid():N}@example.test";
        await SeedAgentAsync(email, online: false);

        var taskSid = await LifecycleAsync(Scenario, NewWorkerSid(), email);

        var ticket = await TicketForAsync(taskSid);
        var state = await Remote.StateAsync();
        var display = (await ZendeskRequestsAsync()).Where(r => r.GetProperty("path").GetString()!.Contains("/display", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(state.GetProperty("pops").GetArrayLength(), Is.Zero);
            Assert.That(display.Select(r => r.GetProperty("status").GetInt32()), Is.EqualTo(new[] { 404 }), "asked once, not retried");
            Assert.That(NotesFor(ticket, taskSid, "accepted") + NotesFor(ticket, taskSid, "completed"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task AnAccountWithoutTalkPartnerEditionPausesPopsAndLosesNothing()
    {
        // Its own app: the pause it starts must not reach the other tests' app.
        await using var scenario = new FlexScenario();
        var email = $"alice-{Guid.NewGuid():N}@example.test";
        await SeedAgentAsync(email, online: true);
        await Remote.PostControlAsync("/_sandbox/account", new { talk_partner_edition = false });
        var worker = NewWorkerSid();

        var first = await LifecycleAsync(scenario, worker, email);
        var second = await LifecycleAsync(scenario, worker, email);

        var display = (await ZendeskRequestsAsync()).Where(r => r.GetProperty("path").GetString()!.Contains("/display", StringComparison.Ordinal)).ToList();
        var poison = await scenario.App.PoisonQueue.ExistsAsync() ? (await scenario.App.PoisonQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
        Assert.Multiple(async () =>
        {
            Assert.That(display.Select(r => r.GetProperty("status").GetInt32()), Is.EqualTo(new[] { 403 }), "one refused pop, then the pause: no storm");
            foreach (var taskSid in new[] { first, second })
            {
                var ticket = await TicketForAsync(taskSid);
                Assert.That(NotesFor(ticket, taskSid, "accepted") + NotesFor(ticket, taskSid, "completed"), Is.EqualTo(2));
            }

            Assert.That(poison, Is.Zero, "nothing poisoned");
        });
    }

    [Test]
    public async Task AWorkerWhoseEmailIsAnEndUsersGoesOnUnassignedAndTheWarningNamesOnlyItsSid()
    {
        using var logs = new CapturingLoggerProvider();
        await using var scenario = new FlexScenario(logs: logs);
        var email = $"carol-{Guid.NewGuid():N}@example.test";
        await Remote.PostControlAsync("/_sandbox/users", new { name = "Carol", email, role = "end-user" });
        var worker = NewWorkerSid();

        var taskSid = await LifecycleAsync(scenario, worker, email);

        var ticket = await TicketForAsync(taskSid);
        var above = logs.Lines.Where(l => !l.StartsWith("Debug", StringComparison.Ordinal) && !l.StartsWith("Trace", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That((Long(ticket, "assignee_id"), NotesFor(ticket, taskSid, "accepted") + NotesFor(ticket, taskSid, "completed")), Is.EqualTo(((long?)null, 2)), "unassigned, and the work goes on");
            Assert.That(above.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(worker, StringComparison.Ordinal) && l.Contains("not mapped to a Zendesk agent", StringComparison.Ordinal)), Is.Not.Empty);
            Assert.That(above.Where(l => l.Contains(email, StringComparison.OrdinalIgnoreCase)), Is.Empty, "the e-mail only at Debug");
        });
    }

    [Test]
    public async Task TheOpsEndpointTellsWhatTheAppDidForATaskFromItsLedger()
    {
        var email = $"alice-{Guid.NewGuid():N}@example.test";
        var alice = await SeedAgentAsync(email, online: true);
        var worker = NewWorkerSid();
        var taskSid = await LifecycleAsync(Scenario, worker, email);
        var ticket = Long(await TicketForAsync(taskSid), "id");
        var before = (await ZendeskRequestsAsync()).Count;
        using var client = Scenario.App.CreateClient();

        using var known = await GetAsync(client, $"/api/ops/tasks/{taskSid}", AdminKey);
        using var unknown = await GetAsync(client, $"/api/ops/tasks/{NewTaskSid()}", AdminKey);
        using var anonymous = await GetAsync(client, $"/api/ops/tasks/{taskSid}", key: null);
        using var wrong = await GetAsync(client, $"/api/ops/tasks/{taskSid}", "wrong");

        var report = JsonDocument.Parse(await known.Content.ReadAsStringAsync()).RootElement;
        TestContext.Progress.WriteLine(report.ToString());
        Assert.Multiple(async () =>
        {
            Assert.That(known.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
            Assert.That((Long(report, "ticket"), report.GetProperty("ticketSource").GetString(), Long(report, "assigneeId")), Is.EqualTo((ticket, "created", (long?)alice)));
            Assert.That(report.GetProperty("agents").EnumerateArray().Select(a => (a.GetProperty("workerSid").GetString(), Long(a, "agentId"))), Is.EqualTo(new[] { (worker, (long?)alice) }));
            Assert.That(report.GetProperty("notes").GetProperty("accepted").GetString(), Is.EqualTo("done"));
            Assert.That(report.GetProperty("notes").GetProperty("completed").GetString(), Is.EqualTo("done"));
            Assert.That(report.GetProperty("writtenBack").GetBoolean(), Is.True);
            Assert.That(report.GetProperty("pops").GetProperty($"accepted_{worker}").GetString(), Does.StartWith($"done: ticket {ticket}"));
            Assert.That((await ZendeskRequestsAsync()).Count, Is.EqualTo(before), "read from the ledger only");
            await ProblemAssert.IsProblemAsync(unknown, System.Net.HttpStatusCode.NotFound);
            await ProblemAssert.IsProblemAsync(anonymous, System.Net.HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblemAsync(wrong, System.Net.HttpStatusCode.Forbidden);
        });
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        return await client.SendAsync(request);
    }
}
