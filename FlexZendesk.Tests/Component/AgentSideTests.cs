using System.Net;
using System.Text.Json;

namespace FlexZendesk.Tests.Component;

/// <summary>
/// The agent's side, call by call against stubbed Zendesk and Twilio HTTP: who the agent is, the people on the ticket
/// (assignee, submitter, group, note author), transfers, and the screen pop with its once-only, age and failure rules.
/// </summary>
[Category("Component")]
public sealed class AgentSideTests
{
    private const string Caller = "+14155550123";
    private const string Search = "/api/v2/users/search.json";
    private const string Tickets = "/api/v2/tickets.json";
    private const string Alice = "WK" + "a11ce0000000000000000000000000000";
    private const string Bob = "WK" + "b0b000000000000000000000000000000";
    private const long AliceAgent = 7001;
    private const long BobAgent = 7002;

    private static string NewTaskSid() => "WT" + Guid.NewGuid().ToString("N");

    private static string PopPath(long agent, long ticket) => $"/api/v2/channels/voice/agents/{agent}/tickets/{ticket}/display.json";

    /// <summary>Zendesk knowing the caller (501) and two agents by e-mail, plus an end-user sharing a third address; a task that takes the write-back.</summary>
    private static void World(StubHttp remote, string taskSid, string attributes, HttpStatusCode pop = HttpStatusCode.OK)
    {
        remote.On(HttpMethod.Get, Search, call => StubHttp.Json(HttpStatusCode.OK, Uri.UnescapeDataString(call.Query) switch
            {
                var q when q.Contains("alice@", StringComparison.Ordinal) => $$"""{"users":[{"id":{{AliceAgent}},"email":"alice@example.test","role":"agent"}]}""",
                var q when q.Contains("bob@", StringComparison.Ordinal) => $$"""{"users":[{"id":{{BobAgent}},"email":"bob@example.test","role":"admin"}]}""",
                var q when q.Contains("carol@", StringComparison.Ordinal) => """{"users":[{"id":9999,"email":"carol@example.test","role":"end-user"}]}""",
                _ => """{"users":[{"id":501,"phone":"+14155550123","role":"end-user"}]}""",
            }))
            // As Zendesk does, the new ticket's answer carries the assignee it was created with.
            .On(HttpMethod.Post, Tickets, call => StubHttp.Json(HttpStatusCode.Created,
                $$$"""{"ticket":{"id":9001,"status":"new","requester_id":501,"assignee_id":{{{Long(Body(call), "assignee_id")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}}}}}"""))
            .On(HttpMethod.Put, "/api/v2/tickets/9001.json", HttpStatusCode.OK, """{"ticket":{"id":9001,"status":"open"}}""")
            .On(HttpMethod.Post, PopPath(AliceAgent, 9001), _ => StubHttp.Json(pop, "{}"))
            .On(HttpMethod.Post, PopPath(BobAgent, 9001), _ => StubHttp.Json(pop, "{}"))
            .OnTask(taskSid, attributes);
    }


    /// <summary>A reservation event of <paramref name="worker"/>, whose worker attributes are <paramref name="workerAttributes"/>.</summary>
    private static Core.Events.FlexEventEnvelope Reservation(string eventType, string taskSid, string attributes, string worker, object workerAttributes, DateTimeOffset? at = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["TaskChannelUniqueName"] = "voice", ["WorkspaceSid"] = ProcessingHarness.WorkspaceSid, ["TaskQueueName"] = "Support",
            ["WorkerSid"] = worker, ["WorkerName"] = worker == Alice ? "Alice" : "Bob", ["WorkerAttributes"] = JsonSerializer.Serialize(workerAttributes),
        };
        if (at is { } time)
        {
            fields["TimestampMs"] = time.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return ProcessingHarness.Event(eventType, taskSid, attributes, fields);
    }

    private static JsonElement Body(StubHttp.Call call) => JsonDocument.Parse(call.Body).RootElement.GetProperty("ticket");

    private static long? Long(JsonElement ticket, string name) => ticket.TryGetProperty(name, out var value) ? value.GetInt64() : null;

    [Test]
    public async Task ANewTicketIsAssignedToAndSubmittedByTheAgentFoundByEmailAndNotesAreTheirs()
    {
        await using var harness = await ProcessingHarness.StartAsync(new Dictionary<string, string?> { ["Tickets:GroupsByQueue"] = "support=360001, Billing=360002" });
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        World(harness.Remote, taskSid, attributes);

        await harness.Processor.ProcessAsync(Reservation("reservation.accepted", taskSid, attributes, Alice, new { email = "Alice@Example.test", full_name = "Alice" }), CancellationToken.None);
        await harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None);
        // A second task of the same worker: the agent comes from the shared cache, no search.
        var second = NewTaskSid();
        World(harness.Remote, second, attributes);
        await harness.Processor.ProcessAsync(Reservation("reservation.accepted", second, attributes, Alice, new { email = "alice@example.test" }), CancellationToken.None);

        var create = Body(harness.Remote.Calls.First(c => c.Path == Tickets && c.Method == "POST"));
        var completed = Body(harness.Remote.Calls.Single(c => c.Method == "PUT"));
        Assert.Multiple(() =>
        {
            Assert.That((Long(create, "assignee_id"), Long(create, "submitter_id"), Long(create, "group_id"), Long(create, "requester_id")), Is.EqualTo(((long?)AliceAgent, (long?)AliceAgent, (long?)360001, (long?)501)));
            Assert.That(Long(create.GetProperty("comment"), "author_id"), Is.EqualTo(AliceAgent), "the accepted note in the first comment is the agent's");
            Assert.That(Long(completed.GetProperty("comment"), "author_id"), Is.EqualTo(AliceAgent), "task.completed names no worker: the ledger's agent authors it");
            Assert.That(Long(completed, "assignee_id"), Is.Null, "already assigned: the completed note does not assign again");
            Assert.That(harness.Remote.Calls.Count(c => c.Path == Search && c.Query.Contains("alice", StringComparison.OrdinalIgnoreCase)), Is.EqualTo(1), "one lookup of the worker, then the cache");
        });
    }

    [Test]
    public async Task AWorkerWhoseEmailIsAnEndUsersIsNoAgentAndTheWorkGoesOnUnassigned()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        World(harness.Remote, taskSid, attributes);

        var outcome = await harness.Processor.ProcessAsync(Reservation("reservation.accepted", taskSid, attributes, Bob, new { email = "carol@example.test" }), CancellationToken.None);
        var second = NewTaskSid();
        World(harness.Remote, second, attributes);
        await harness.Processor.ProcessAsync(Reservation("reservation.accepted", second, attributes, Bob, new { email = "carol@example.test" }), CancellationToken.None);

        var create = Body(harness.Remote.Calls.First(c => c.Path == Tickets && c.Method == "POST"));
        var ledger = (await harness.Ledgers.OpenAsync(taskSid, CancellationToken.None)).Ledger;
        Assert.Multiple(() =>
        {
            Assert.That((outcome.Done, outcome.TicketId), Is.EqualTo((true, 9001L)));
            Assert.That((Long(create, "assignee_id"), Long(create, "submitter_id"), Long(create.GetProperty("comment"), "author_id")), Is.EqualTo(((long?)null, (long?)null, (long?)null)));
            Assert.That((ledger.WorkerSid, ledger.AgentId), Is.EqualTo((Bob, (long?)null)), "the worker is recorded, with no agent");
            Assert.That(harness.Remote.Calls.Count(c => c.Query.Contains("carol", StringComparison.Ordinal)), Is.EqualTo(1), "the negative answer is cached too");
            Assert.That(harness.Remote.To("/api/v2/channels/"), Is.Empty, "no agent, no pop");
        });
    }

    [Test]
    public async Task AZendeskUserIdWorkerAttributeWinsWithoutASearch()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        World(harness.Remote, taskSid, attributes);

        await harness.Processor.ProcessAsync(Reservation("reservation.accepted", taskSid, attributes, Bob, new { email = "alice@example.test", zendesk_user_id = "7002" }), CancellationToken.None);

        var create = Body(harness.Remote.Calls.Single(c => c.Path == Tickets && c.Method == "POST"));
        Assert.Multiple(() =>
        {
            Assert.That(Long(create, "assignee_id"), Is.EqualTo(BobAgent));
            Assert.That(harness.Remote.Calls.Count(c => c.Query.Contains("alice", StringComparison.Ordinal)), Is.Zero);
        });
    }

    [Test]
    public async Task AReusedTicketIsAssignedOnlyWhenItHasNoAssignee([Values] bool hasAssignee)
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller, zd_ticket_id = "9001" });
        World(harness.Remote, taskSid, attributes);
        harness.Remote.On(HttpMethod.Get, "/api/v2/tickets/9001.json", HttpStatusCode.OK,
            $$$"""{"ticket":{"id":9001,"status":"open","requester_id":501,"tags":["twilio_flex"],"assignee_id":{{{(hasAssignee ? "42" : "null")}}}}}""");

        await harness.Processor.ProcessAsync(Reservation("reservation.accepted", taskSid, attributes, Alice, new { email = "alice@example.test" }), CancellationToken.None);
        await harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None);

        var updates = harness.Remote.Calls.Where(c => c.Method == "PUT").Select(Body).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(updates, Has.Count.EqualTo(2), "the accepted and completed notes, nothing more");
            Assert.That(Long(updates[0], "assignee_id"), Is.EqualTo(hasAssignee ? null : AliceAgent), "the assignee rides on the accepted note");
            Assert.That(Long(updates[1], "assignee_id"), Is.Null);
            Assert.That(updates.Select(u => Long(u.GetProperty("comment"), "author_id")), Is.All.EqualTo(AliceAgent));
        });
    }

    [Test]
    public async Task ANoteWhoseAuthorZendeskRefusesGoesInUnderTheApiUser()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        World(harness.Remote, taskSid, attributes);
        harness.Remote.On(HttpMethod.Put, "/api/v2/tickets/9001.json", call => call.Body.Contains("author_id", StringComparison.Ordinal)
            ? StubHttp.Json(HttpStatusCode.UnprocessableEntity, """{"error":"RecordInvalid","description":"Record validation errors","details":{"author_id":[{"description":"Author: is invalid"}]}}""")
            : StubHttp.Json(HttpStatusCode.OK, """{"ticket":{"id":9001,"status":"open"}}"""));

        await harness.Processor.ProcessAsync(Reservation("reservation.accepted", taskSid, attributes, Alice, new { email = "alice@example.test" }), CancellationToken.None);
        var completed = await harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None);

        var puts = harness.Remote.Calls.Where(c => c.Method == "PUT").Select(Body).ToList();
        var ledger = (await harness.Ledgers.OpenAsync(taskSid, CancellationToken.None)).Ledger;
        Assert.Multiple(() =>
        {
            Assert.That(completed.Done, Is.True);
            Assert.That(puts.Select(p => Long(p.GetProperty("comment"), "author_id")), Is.EqualTo(new long?[] { AliceAgent, null }), "refused with the agent, sent again without");
            Assert.That(ledger.IsNoteDone("completed"), Is.True, "the note is never lost");
        });
    }

    [Test]
    public async Task ASecondAgentAcceptingTheTaskBecomesTheAssigneeAndTheTransferNoteNamesBoth()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        World(harness.Remote, taskSid, attributes);
        var start = harness.Clock.GetUtcNow();

        await harness.Processor.ProcessAsync(Reservation("reservation.accepted", taskSid, attributes, Alice, new { email = "alice@example.test" }, start), CancellationToken.None);
        await harness.Processor.ProcessAsync(Reservation("reservation.accepted", taskSid, attributes, Bob, new { email = "bob@example.test" }, start.AddSeconds(5)), CancellationToken.None);
        // A duplicate of the first acceptance, late: it changes nothing.
        await harness.Processor.ProcessAsync(Reservation("reservation.accepted", taskSid, attributes, Alice, new { email = "alice@example.test" }, start), CancellationToken.None);
        await harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None);

        var puts = harness.Remote.Calls.Where(c => c.Method == "PUT").Select(Body).ToList();
        var ledger = (await harness.Ledgers.OpenAsync(taskSid, CancellationToken.None)).Ledger;
        Assert.Multiple(() =>
        {
            Assert.That(puts, Has.Count.EqualTo(2), "the transfer note, the completed note");
            Assert.That(Long(puts[0], "assignee_id"), Is.EqualTo(BobAgent));
            Assert.That(puts[0].GetProperty("comment").GetProperty("body").GetString(), Does.StartWith($"Twilio Flex task transferred from Alice ({Alice}, Zendesk agent #{AliceAgent}) to Bob ({Bob}, Zendesk agent #{BobAgent})"));
            Assert.That(Long(puts[1].GetProperty("comment"), "author_id"), Is.EqualTo(BobAgent));
            Assert.That((ledger.AssigneeId, ledger.AgentHistory.Count), Is.EqualTo(((long?)BobAgent, 2)));
            Assert.That(harness.Remote.To("/api/v2/channels/"), Is.EqualTo(new[] { "POST " + PopPath(AliceAgent, 9001), "POST " + PopPath(BobAgent, 9001) }), "one pop per agent");
        });
    }

    [Test]
    public async Task AWorkersFirstTasksArrivingTogetherShareOneLookup()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        using var searching = new SemaphoreSlim(0);
        using var answer = new SemaphoreSlim(0);
        harness.Remote.On(HttpMethod.Get, Search, _ =>
        {
            searching.Release();
            answer.Wait(TimeSpan.FromSeconds(30));
            return StubHttp.Json(HttpStatusCode.OK, $$"""{"users":[{"id":{{AliceAgent}},"email":"alice@example.test","role":"agent"}]}""");
        });
        var resolver = harness.Get<Core.Tickets.AgentResolver>();
        var alice = new { email = "alice@example.test" };

        var first = resolver.ResolveAsync(new Core.Tickets.TaskContext(Reservation("reservation.accepted", NewTaskSid(), "{}", Alice, alice)), CancellationToken.None);
        Assert.That(await searching.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "the first task's lookup is under way");
        var second = resolver.ResolveAsync(new Core.Tickets.TaskContext(Reservation("reservation.accepted", NewTaskSid(), "{}", Alice, alice)), CancellationToken.None);
        answer.Release();

        var agents = await Task.WhenAll(first, second);
        Assert.Multiple(() =>
        {
            Assert.That(agents.Select(a => a?.AgentId), Is.All.EqualTo(AliceAgent));
            Assert.That(harness.Remote.To(Search), Has.Count.EqualTo(1), "one search for both");
        });
    }

    [Test]
    public async Task ACompletionThatMeetsTheAgentBeforeTheAcceptanceNoteLeavesTheAssigneeToThatNote()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        World(harness.Remote, taskSid, attributes);
        // The completion first (out of order): it makes the ticket with its note, no agent known yet.
        await harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None);
        // Meanwhile the acceptance recorded its agent, as a concurrent delivery does before it writes its note.
        var session = await harness.Ledgers.OpenAsync(taskSid, CancellationToken.None);
        await session.RecordAsync(l => l.RecordAgent(new Core.Ledger.TaskAgent(Alice, AliceAgent, "Alice"), 0), CancellationToken.None);

        await harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None);
        var alone = harness.Remote.Calls.Count(c => c.Method == "PUT");
        await harness.Processor.ProcessAsync(Reservation("reservation.accepted", taskSid, attributes, Alice, new { email = "alice@example.test" }), CancellationToken.None);

        var puts = harness.Remote.Calls.Where(c => c.Method == "PUT" && c.Path == "/api/v2/tickets/9001.json").Select(Body).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(alone, Is.Zero, "no update of its own for the assignee: the acceptance note carries it");
            Assert.That(puts, Has.Count.EqualTo(1));
            Assert.That(Long(puts[0], "assignee_id"), Is.EqualTo(AliceAgent));
            Assert.That(puts[0].GetProperty("comment").GetProperty("body").GetString(), Does.Contain($"[FlexZendesk {taskSid} accepted]"));
        });
    }
}
