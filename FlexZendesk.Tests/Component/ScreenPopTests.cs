using System.Net;
using System.Text.Json;
using FlexZendesk.Core.Ledger;

namespace FlexZendesk.Tests.Component;

/// <summary>
/// The server-side screen pop against stubbed Zendesk: what it opens for each NAVIGATE choice, at most once per task,
/// agent and stage (duplicates, concurrency, a crash mid-pop), never for a stale event, and never at the cost of a note
/// or a retry when Zendesk answers 404 or refuses pops for the whole account.
/// </summary>
[Category("Component")]
public sealed class ScreenPopTests
{
    private const string Alice = "WK" + "a11ce0000000000000000000000000000";
    private const long Agent = 7001;
    private const string Display = "/api/v2/channels/voice/agents/";

    private static string NewTaskSid() => "WT" + Guid.NewGuid().ToString("N");

    private static void World(StubHttp remote, string taskSid, string attributes, HttpStatusCode pop = HttpStatusCode.OK)
    {
        remote.On(HttpMethod.Get, "/api/v2/users/search.json", HttpStatusCode.OK, """{"users":[{"id":501,"phone":"+14155550123","role":"end-user"}]}""")
            .On(HttpMethod.Post, "/api/v2/tickets.json", HttpStatusCode.Created, """{"ticket":{"id":9001,"status":"new","requester_id":501,"assignee_id":7001}}""")
            .On(HttpMethod.Get, "/api/v2/tickets/9001.json", HttpStatusCode.OK, """{"ticket":{"id":9001,"status":"open","requester_id":501,"tags":["twilio_flex"]}}""")
            .On(HttpMethod.Put, "/api/v2/tickets/9001.json", HttpStatusCode.OK, """{"ticket":{"id":9001,"status":"open"}}""")
            .On(HttpMethod.Post, $"{Display}{Agent}/tickets/9001/display.json", _ => StubHttp.Json(pop, "{}"))
            .On(HttpMethod.Post, $"{Display}{Agent}/users/501/display.json", _ => StubHttp.Json(pop, "{}"))
            .OnTask(taskSid, attributes);
    }

    private static Core.Events.FlexEventEnvelope Accepted(string taskSid, string attributes, DateTimeOffset at) => ProcessingHarness.Event("reservation.accepted", taskSid, attributes, new()
    {
        ["TaskChannelUniqueName"] = "voice", ["WorkspaceSid"] = ProcessingHarness.WorkspaceSid, ["TaskQueueName"] = "Everyone",
        ["WorkerSid"] = Alice, ["WorkerName"] = "Alice", ["WorkerAttributes"] = $$"""{"zendesk_user_id":{{Agent}}}""",
        ["TimestampMs"] = at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    private static async Task<(ProcessingHarness Harness, string TaskSid, string Attributes)> StartAsync(Dictionary<string, string?>? settings = null, string? ticketNumber = null, HttpStatusCode pop = HttpStatusCode.OK)
    {
        var harness = await ProcessingHarness.StartAsync(settings);
        var taskSid = NewTaskSid();
        var attributes = JsonSerializer.Serialize(new { from = "+14155550123", zd_ticket_id = ticketNumber ?? "" });
        World(harness.Remote, taskSid, attributes, pop);
        return (harness, taskSid, attributes);
    }

    private static async Task<string?> PopRecordAsync(ProcessingHarness harness, string taskSid) =>
        (await harness.Ledgers.OpenAsync(taskSid, CancellationToken.None)).Ledger.Pop("accepted", Alice);

    [TestCase("ticket", null, "tickets/9001")]
    [TestCase("user", null, "users/501")]
    [TestCase("none", null, null)]
    [TestCase("user", "ticket", "tickets/9001", "9001")]
    [TestCase("ticket", "none", null, "9001")]
    [TestCase("ticket", "user", "tickets/9001", "")]
    public async Task TheChoiceDecidesWhatOpens(string choice, string? withNumber, string? opened, string? ticketNumber = null)
    {
        var (harness, taskSid, attributes) = await StartAsync(new() { ["Flex:ScreenPop"] = choice, ["Flex:ScreenPopWithTicketNumber"] = withNumber ?? "" }, ticketNumber);
        await using var _ = harness;

        await harness.Processor.ProcessAsync(Accepted(taskSid, attributes, harness.Clock.GetUtcNow()), CancellationToken.None);

        Assert.That(harness.Remote.To(Display), Is.EqualTo(opened is null ? Array.Empty<string>() : [$"POST {Display}{Agent}/{opened}/display.json"]));
    }

    [Test]
    public async Task DuplicatesAndConcurrentDeliveriesPopOnce()
    {
        var (harness, taskSid, attributes) = await StartAsync();
        await using var _ = harness;
        var accepted = Accepted(taskSid, attributes, harness.Clock.GetUtcNow());
        var setup = await harness.Ledgers.OpenAsync(taskSid, CancellationToken.None);
        await setup.RecordAsync(l =>
        {
            (l.TicketId, l.TicketSource, l.RequesterId) = (9001, "created", 501);
            l.RecordAgent(new TaskAgent(Alice, Agent, "Alice"), 0);
        }, CancellationToken.None);

        // Four deliveries at once, each with its own view of the ledger, as four workers have.
        var task = new Core.Tickets.TaskContext(accepted);
        var sessions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => harness.Ledgers.OpenAsync(taskSid, CancellationToken.None)));
        await Task.WhenAll(sessions.Select(session => Task.Run(() => harness.Get<Core.Tickets.ScreenPop>().RunAsync(session, task, "accepted", CancellationToken.None))));
        await harness.Processor.ProcessAsync(accepted, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(harness.Remote.To(Display), Has.Count.EqualTo(1));
            Assert.That(await PopRecordAsync(harness, taskSid), Does.StartWith("done: ticket 9001"));
        });
    }

    [Test]
    public async Task EventsInReversedOrderStillPopOnceOnTheAcceptance()
    {
        var (harness, taskSid, attributes) = await StartAsync();
        await using var _ = harness;
        var accepted = Accepted(taskSid, attributes, harness.Clock.GetUtcNow());

        await harness.Processor.ProcessAsync(ProcessingHarness.Event("task.completed", taskSid, attributes), CancellationToken.None);
        Assert.That(harness.Remote.To(Display), Is.Empty, "task.completed names no worker: nothing to pop");
        await harness.Processor.ProcessAsync(accepted, CancellationToken.None);
        await harness.Processor.ProcessAsync(accepted, CancellationToken.None);

        Assert.That(harness.Remote.To(Display), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AClaimLeftByACrashIsNeverPoppedAgain()
    {
        var (harness, taskSid, attributes) = await StartAsync();
        await using var _ = harness;
        await harness.Processor.ProcessAsync(Accepted(taskSid, attributes, harness.Clock.GetUtcNow()), CancellationToken.None);
        var session = await harness.Ledgers.OpenAsync(taskSid, CancellationToken.None);
        // As if a worker died between its claim and Zendesk's answer: the claim stays, stale.
        await session.RecordAsync(l => l.RecordPop("accepted", Alice, new Claim("dead", DateTimeOffset.UnixEpoch).ToString()), CancellationToken.None);
        var before = harness.Remote.To(Display).Count;

        await harness.Processor.ProcessAsync(Accepted(taskSid, attributes, harness.Clock.GetUtcNow()), CancellationToken.None);

        Assert.That(harness.Remote.To(Display), Has.Count.EqualTo(before));
    }

    [Test]
    public async Task AStaleEventPopsNothingAndSaysWhy()
    {
        var (harness, taskSid, attributes) = await StartAsync();
        await using var _ = harness;

        var outcome = await harness.Processor.ProcessAsync(Accepted(taskSid, attributes, harness.Clock.GetUtcNow().AddSeconds(-31)), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(outcome.Done, Is.True, "the ticket and note are made all the same");
            Assert.That(harness.Remote.To(Display), Is.Empty);
            Assert.That(await PopRecordAsync(harness, taskSid), Is.EqualTo("skipped: the event is 31 s old (Flex:ScreenPopMaxAgeSeconds 30)"));
        });
    }

    [Test]
    public async Task AnAgentWhoIsNotOnlineGetsNoRetryAndTheNotesStillGoIn()
    {
        var (harness, taskSid, attributes) = await StartAsync(pop: HttpStatusCode.NotFound);
        await using var _ = harness;

        var accepted = await harness.Processor.ProcessAsync(Accepted(taskSid, attributes, harness.Clock.GetUtcNow()), CancellationToken.None);
        var again = await harness.Processor.ProcessAsync(Accepted(taskSid, attributes, harness.Clock.GetUtcNow()), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((accepted.Done, again.Done), Is.EqualTo((true, false)), "no exception, no redelivery work");
            Assert.That(harness.Remote.To(Display), Has.Count.EqualTo(1));
            Assert.That(await PopRecordAsync(harness, taskSid), Does.StartWith("failed: HTTP 404"));
        });
    }

    [Test]
    public async Task AnAccountWithoutTalkPartnerEditionPausesPopsInsteadOfFailingEachEvent()
    {
        var (harness, taskSid, attributes) = await StartAsync(pop: HttpStatusCode.Forbidden);
        await using var _ = harness;
        var second = NewTaskSid();
        World(harness.Remote, second, attributes, HttpStatusCode.Forbidden);

        var first = await harness.Processor.ProcessAsync(Accepted(taskSid, attributes, harness.Clock.GetUtcNow()), CancellationToken.None);
        var next = await harness.Processor.ProcessAsync(Accepted(second, attributes, harness.Clock.GetUtcNow()), CancellationToken.None);
        var ledger = (await harness.Ledgers.OpenAsync(second, CancellationToken.None)).Ledger;

        Assert.Multiple(() =>
        {
            Assert.That((first.Done, next.Done), Is.EqualTo((true, true)), "tickets and notes go on");
            Assert.That(harness.Remote.To(Display), Has.Count.EqualTo(1), "one refused call, then the pause");
            Assert.That(ledger.Pop("accepted", Alice), Does.StartWith("skipped: paused until"));
            Assert.That(ledger.IsNoteDone("accepted"), Is.True);
        });
    }
}
