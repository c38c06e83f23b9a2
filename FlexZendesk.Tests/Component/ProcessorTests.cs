using System.Net;
using System.Text.Json;
using FlexZendesk.Core;

namespace FlexZendesk.Tests.Component;

/// <summary>
/// The processor's story, call by call, against stubbed Zendesk and Twilio HTTP: which calls a task costs, in which
/// order, and what happens when one of them fails.
/// </summary>
[Category("Component")]
public sealed class ProcessorTests
{
    private const string Caller = "+14155550123";
    private const string Users = "/api/v2/users/search.json";
    private const string CreateUser = "/api/v2/users/create_or_update.json";
    private const string Tickets = "/api/v2/tickets.json";

    private static string NewTaskSid() => "WT" + Guid.NewGuid().ToString("N");

    /// <summary>A Zendesk that knows no user, creates user 501 and ticket 9001, takes notes; a task that takes the write-back.</summary>
    private static void NewCallerWorld(StubHttp remote, string taskSid, string attributes)
    {
        remote.On(HttpMethod.Get, Users, HttpStatusCode.OK, """{"users":[]}""")
            .On(HttpMethod.Post, CreateUser, HttpStatusCode.OK, """{"user":{"id":501,"phone":"+14155550123"}}""")
            .On(HttpMethod.Post, Tickets, HttpStatusCode.Created, """{"ticket":{"id":9001,"status":"new","requester_id":501}}""")
            .On(HttpMethod.Get, Tickets, HttpStatusCode.OK, """{"tickets":[]}""")
            .On(HttpMethod.Put, "/api/v2/tickets/9001.json", HttpStatusCode.OK, """{"ticket":{"id":9001,"status":"open"}}""")
            .OnTask(taskSid, attributes);
    }


    [Test]
    public async Task ANewCallersAcceptedAndCompletedCostFourZendeskCallsInStoryOrder()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        NewCallerWorld(harness.Remote, taskSid, attributes);

        var accepted = await harness.Processor.ProcessAsync(ProcessingHarness.Event("reservation.accepted", taskSid, attributes), CancellationToken.None);
        var completed = await harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None);
        var again = await harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Remote.To("/api/v2/"), Is.EqualTo(new[]
            {
                "GET " + Users, "POST " + CreateUser, "POST " + Tickets, "PUT /api/v2/tickets/9001.json",
            }));
            Assert.That(harness.Remote.To("/v1/").Where(c => !c.EndsWith("/Reservations", StringComparison.Ordinal)), Is.EqualTo(new[] { "GET " + ProcessingHarness.TaskPath(taskSid), "POST " + ProcessingHarness.TaskPath(taskSid) }), "one screen-pop write-back");
            // This accepted event names no worker: the completion, still owing its note, asks TaskRouter who took the task, once.
            Assert.That(harness.Remote.To("/v1/").Count(c => c.EndsWith("/Reservations", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That((accepted.Done, accepted.TicketId, completed.TicketId, again.Done), Is.EqualTo((true, 9001L, 9001L, false)));
        });
        var create = harness.Remote.Calls.Single(c => c.Path == Tickets);
        using var body = JsonDocument.Parse(create.Body);
        var ticket = body.RootElement.GetProperty("ticket");
        Assert.Multiple(() =>
        {
            Assert.That(ticket.GetProperty("requester_id").GetInt64(), Is.EqualTo(501));
            Assert.That(ticket.GetProperty("external_id").GetString(), Is.EqualTo(taskSid));
            Assert.That(ticket.GetProperty("comment").GetProperty("body").GetString(), Does.Contain($"[FlexZendesk {taskSid} accepted]"), "the accepted note rides in the first comment");
            Assert.That(create.Headers.GetValues("Idempotency-Key").Single(), Does.StartWith($"flexzendesk-ticket-{taskSid}-"));
        });
    }

    [Test]
    public async Task TheNotesTwilioReadsComeBeforeAnyZendeskCall()
    {
        // Completed first (events arrive out of order) with a call: the note needs the call's recordings. Twilio
        // failing must cost no Zendesk call at all, not even the requester's search.
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller, call_sid = "CA0123456789abcdef0123456789abcdef" });
        NewCallerWorld(harness.Remote, taskSid, attributes);
        harness.Remote.On(HttpMethod.Get, "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls/CA0123456789abcdef0123456789abcdef/Recordings.json", HttpStatusCode.ServiceUnavailable, """{"code":20500,"message":"unavailable","status":503}""");
        // The call itself Twilio no longer knows (the voice comment falls back to the task's lines): read, no failure.
        harness.Remote.On(HttpMethod.Get, "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls/CA0123456789abcdef0123456789abcdef.json", HttpStatusCode.NotFound, """{"code":20404,"message":"not found","status":404}""");

        var failure = await Assert.ThrowsAsync<RetryableException>(() => harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("Twilio recordings"));
            Assert.That(harness.Remote.To("/api/v2/"), Is.Empty, "no Zendesk read or write before the note's Twilio data is in hand");
        });
    }

    [Test]
    public async Task AConcurrentEventWaitsForTheClaimHolderThenGivesUpAsRetryable()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        NewCallerWorld(harness.Remote, taskSid, attributes);
        var holder = await harness.Ledgers.OpenAsync(taskSid, CancellationToken.None);
        Assert.That(await holder.TryRecordAsync(l => l.TicketClaim = holder.NewClaim(), CancellationToken.None), Is.True);

        var waiting = harness.Processor.ProcessAsync(ProcessingHarness.Event("reservation.accepted", taskSid, attributes), CancellationToken.None);
        for (var poll = 0; poll < 41; poll++)
        {
            // Each 200 ms poll re-reads the ledger; 8 s of them, then the event goes back to the queue.
            await harness.Clock.TimerCreatedAsync(TimeSpan.FromMilliseconds(200));
            harness.Clock.Advance(TimeSpan.FromMilliseconds(200));
            if (waiting.IsCompleted)
            {
                break;
            }
        }

        var failure = await Assert.ThrowsAsync<RetryableException>(() => waiting);
        Assert.Multiple(() =>
        {
            Assert.That(failure!.Message, Does.Contain("in progress in another worker"));
            Assert.That(failure.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(2)), "rescheduled, not a delivery spent: the other worker is busy, this message did nothing wrong");
            Assert.That(harness.Remote.To("/api/v2/"), Is.Empty, "the waiting event made no Zendesk call of its own");
        });
    }

    [Test]
    public async Task AnAbandonedClaimIsTakenOverOnceItIsStale()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        NewCallerWorld(harness.Remote, taskSid, attributes);
        var dead = await harness.Ledgers.OpenAsync(taskSid, CancellationToken.None);
        await dead.TryRecordAsync(l => l.TicketClaim = dead.NewClaim(), CancellationToken.None);
        harness.Clock.Advance(TimeSpan.FromSeconds(61));

        var outcome = await harness.Processor.ProcessAsync(ProcessingHarness.Event("reservation.accepted", taskSid, attributes), CancellationToken.None);

        Assert.That((outcome.Done, outcome.TicketId), Is.EqualTo((true, 9001L)));
    }

    [Test]
    public async Task AReplayedCreationSendsTheSameBodyUnderTheSameKey()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        NewCallerWorld(harness.Remote, taskSid, attributes);
        var creates = 0;
        harness.Remote.On(HttpMethod.Post, Tickets, _ => ++creates == 1
            ? StubHttp.Json(HttpStatusCode.BadGateway, """{"error":"bad gateway"}""")
            : StubHttp.Json(HttpStatusCode.Created, """{"ticket":{"id":9001,"status":"new","requester_id":501}}"""));
        var accepted = ProcessingHarness.Event("reservation.accepted", taskSid, attributes);

        await Assert.ThrowsAsync<RetryableException>(() => harness.Processor.ProcessAsync(accepted, CancellationToken.None));
        var outcome = await harness.Processor.ProcessAsync(accepted, CancellationToken.None);

        var sent = harness.Remote.Calls.Where(c => c.Path == Tickets).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.TicketId, Is.EqualTo(9001));
            Assert.That(sent, Has.Count.EqualTo(2));
            Assert.That(sent[1].Body, Is.EqualTo(sent[0].Body));
            Assert.That(sent[1].Headers.GetValues("Idempotency-Key"), Is.EqualTo(sent[0].Headers.GetValues("Idempotency-Key")));
            Assert.That(harness.Remote.To(Users), Has.Count.EqualTo(1), "the requester is not resolved again: the body was recorded");
        });
    }

    [TestCase(false, TestName = "ANoteTheBudgetRefusedLeavesNoClaimSoItsRetryWritesWithoutCheckingComments")]
    [TestCase(true, TestName = "ANoteTheBudgetRefusedLeavesNoClaimEvenWhenAnotherEventSavedTheLedgerMeanwhile")]
    public async Task ANoteTheBudgetRefusedLeavesNoClaim(bool anotherWriter)
    {
        // One ticket update a minute for the account, and another instance (here: the test) just spent it.
        await using var harness = await ProcessingHarness.StartAsync(new Dictionary<string, string?> { ["Zendesk:TicketUpdatesPerMinute"] = "1" });
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        NewCallerWorld(harness.Remote, taskSid, attributes);
        await harness.Processor.ProcessAsync(ProcessingHarness.Event("reservation.accepted", taskSid, attributes), CancellationToken.None);
        await harness.Get<Core.Zendesk.ZendeskBudget>().AcquireAsync(ticketUpdate: true, CancellationToken.None);

        var refused = harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None);
        await harness.Clock.TimerCreatedAsync(TimeSpan.FromSeconds(5));
        if (anotherWriter)
        {
            // While the note waits for a turn (its claim saved), another event of the task saves the ledger: the
            // refused note's own save then loses, and must still drop its claim rather than leave it to expire.
            var other = await harness.Ledgers.OpenAsync(taskSid, CancellationToken.None);
            await other.RecordAsync(l => l.PendingTags = null, CancellationToken.None);
        }

        harness.Clock.Advance(TimeSpan.FromSeconds(5));
        var failure = await Assert.ThrowsAsync<RetryableException>(() => refused);
        var ledger = (await harness.Ledgers.OpenAsync(taskSid, CancellationToken.None)).Ledger;

        harness.Clock.Advance(TimeSpan.FromSeconds(65));
        var retried = await harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(failure!.NotSent, Is.True);
            Assert.That(ledger.NoteClaim("completed"), Is.Null, "the refused note was never sent: its claim is dropped, not left to expire");
            Assert.That(retried.Done, Is.True);
            Assert.That(harness.Remote.To("/api/v2/tickets/9001"), Is.EqualTo(new[] { "PUT /api/v2/tickets/9001.json" }), "one note, and no comments read to check for it");
        });
    }

    [Test]
    public async Task AValidZdTicketIdGetsTheNoteAndOnlyTheMissingTags()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller, zd_ticket_id = "777", zdCustomTags = "vip, Billing" });
        NewCallerWorld(harness.Remote, taskSid, attributes);
        harness.Remote.On(HttpMethod.Get, "/api/v2/tickets/777.json", HttpStatusCode.OK, """{"ticket":{"id":777,"status":"open","requester_id":42,"tags":["twilio_flex","vip"],"updated_at":"2026-12-08T00:00:00Z"}}""")
            .On(HttpMethod.Put, "/api/v2/tickets/777.json", HttpStatusCode.OK, """{"ticket":{"id":777,"status":"open"}}""");

        var outcome = await harness.Processor.ProcessAsync(ProcessingHarness.Event("reservation.accepted", taskSid, attributes), CancellationToken.None);

        var note = harness.Remote.Calls.Single(c => c.Method == "PUT");
        using var body = JsonDocument.Parse(note.Body);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.TicketId, Is.EqualTo(777));
            Assert.That(harness.Remote.To("/api/v2/"), Is.EqualTo(new[] { "GET /api/v2/tickets/777.json", "PUT /api/v2/tickets/777.json" }));
            // Update Ticket replaces tags: the tags read plus the missing one, as a safe update against the read's stamp.
            Assert.That(body.RootElement.GetProperty("ticket").GetProperty("tags").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(new[] { "twilio_flex", "vip", "billing" }));
            Assert.That(body.RootElement.GetProperty("ticket").GetProperty("safe_update").GetBoolean(), Is.True);
            Assert.That(body.RootElement.GetProperty("ticket").GetProperty("updated_stamp").GetString(), Is.EqualTo("2026-12-08T00:00:00Z"));
            Assert.That(body.RootElement.GetProperty("ticket").TryGetProperty("additional_tags", out _), Is.False);
            Assert.That(body.RootElement.GetProperty("ticket").GetProperty("comment").GetProperty("public").GetBoolean(), Is.False);
        });
    }

    [Test]
    public async Task ACachedRequesterZendeskNoLongerKnowsIsSearchedAgain()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        var first = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = Caller });
        NewCallerWorld(harness.Remote, first, attributes);
        await harness.Processor.ProcessAsync(ProcessingHarness.Event("reservation.accepted", first, attributes), CancellationToken.None);

        // User 501 was merged away: Zendesk refuses it, and the search now finds 502.
        var second = NewTaskSid();
        NewCallerWorld(harness.Remote, second, attributes);
        harness.Remote.On(HttpMethod.Get, Users, HttpStatusCode.OK, """{"users":[{"id":502,"phone":"+14155550123"}]}""")
            .On(HttpMethod.Post, Tickets, call => call.Body.Contains("\"requester_id\":501", StringComparison.Ordinal)
                ? StubHttp.Json(HttpStatusCode.UnprocessableEntity, """{"error":"RecordInvalid","details":{"requester":[{"description":"Requester is invalid"}]}}""")
                : StubHttp.Json(HttpStatusCode.Created, """{"ticket":{"id":9002,"status":"new","requester_id":502}}"""));
        harness.Remote.Calls.Clear();

        var outcome = await harness.Processor.ProcessAsync(ProcessingHarness.Event("reservation.accepted", second, attributes), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.TicketId, Is.EqualTo(9002));
            Assert.That(harness.Remote.To("/api/v2/"), Is.EqualTo(new[] { "POST " + Tickets, "GET /api/v2/tickets.json", "GET " + Users, "POST " + Tickets }));
        });
    }

    [Test]
    public async Task AStudioRequestTakesTheSameStepsOnce()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        NewCallerWorld(harness.Remote, "unused", "{}");
        var request = new Core.Events.FlexEventEnvelope
        {
            Id = "studio-" + Guid.NewGuid().ToString("N"),
            Source = Core.Events.EventSources.Studio,
            EventType = "ticket.request",
            ReceivedAt = DateTimeOffset.UnixEpoch,
            Fields = new() { ["From"] = Caller, ["RecordingUrl"] = "https://api.twilio.com/rec/RE1", ["TranscriptionText"] = "call me back" },
        };

        var first = await harness.Processor.ProcessAsync(request, CancellationToken.None);
        var retry = await harness.Processor.ProcessAsync(request, CancellationToken.None);

        var create = harness.Remote.Calls.Single(c => c.Method == "POST" && c.Path == Tickets);
        Assert.Multiple(() =>
        {
            Assert.That((first.Done, first.TicketId, retry.Done), Is.EqualTo((true, 9001L, false)));
            Assert.That(create.Body, Does.Contain("Recording: https://api.twilio.com/rec/RE1").And.Contain("call me back"));
            Assert.That(harness.Remote.To("/v1/"), Is.Empty, "a Studio request is no TaskRouter task: nothing to write back");
        });
    }

    [TestCase("""{"from":"+14155550123","team":"billing"}""", true)]
    [TestCase("""{}""", false)]
    public async Task ANoteShowsTheAttributesOrNoAttributesHeading(string attributes, bool heading)
    {
        await using var harness = await ProcessingHarness.StartAsync(ledger: false);

        var note = await harness.Get<Core.Tickets.NoteBuilder>().BuildAsync(new Core.Tickets.TaskContext(ProcessingHarness.Event("reservation.accepted", "WT1", attributes)), "accepted", null, null, CancellationToken.None);

        Assert.That(note, heading ? Does.Contain("Attributes:\n{\n  \"from\": \"+14155550123\",\n  \"team\": \"billing\"\n}") : Does.Not.Contain("Attributes:"));
    }
}
