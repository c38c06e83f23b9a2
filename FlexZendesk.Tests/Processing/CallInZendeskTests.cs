using System.Text.Json;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>A voice task's call through the real app and the sandbox: the pieces both fixtures below share.</summary>
internal static class VoiceCalls
{
    public const string AdminKey = FunctionsApp.AdminKey;
    public const string Line = "+18005550199";

    public static long? Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;

    public static string NewCallSid() => "CA" + Guid.NewGuid().ToString("N");

    /// <summary>A Zendesk agent with a fresh SSO e-mail, online; returns its id and the e-mail.</summary>
    public static async Task<(long Id, string Email)> SeedAgentAsync()
    {
        var email = $"alice-{Guid.NewGuid():N}@example.test";
        var user = await Remote.PostControlAsync("/_sandbox/users", new { name = "Alice", email, role = "agent", online = true });
        return (user.GetProperty("user").GetProperty("id").GetInt64(), email);
    }

    /// <summary>The caller's call in Twilio (lines, 95 s long), and its recording (80 s) unless <paramref name="recorded"/> is off.</summary>
    public static async Task<(string Caller, string? RecordingSid)> SeedCallAsync(string callSid, bool recorded, string? transcription = null)
    {
        var caller = $"+1415{Random.Shared.Next(1_000_000, 9_999_999)}";
        await Remote.PostControlAsync($"/_sandbox/calls/{callSid}", new { from = caller, to = Line, duration = 95, started_seconds_ago = 120 });
        return (caller, recorded ? (await Remote.PostControlAsync($"/_sandbox/calls/{callSid}/recordings", new { duration = 80, transcription })).GetProperty("sid").GetString() : null);
    }

    public static string CallAttributes(string caller, string callSid) => Attributes(new { from = caller, to = Line, call_sid = callSid, zd_ticket_id = "", channelType = "voice" });

    /// <summary>
    /// A call recorded only where Flex's other recorders put it, never on the call itself: <c>attributes</c>, a dual-channel
    /// recording of another leg that the task names (<c>conversations.segment_link</c> and <c>media[]</c>); <c>conference</c>,
    /// the conference's recording (90 s) beside a short one of the call (20 s). Returns the task's attributes and the
    /// recording the voice comment must play (the longest).
    /// </summary>
    public static async Task<(string Json, string Recording, string[] Linked)> RecordedElsewhereAsync(string kind, string caller, string callSid)
    {
        var link = (string sid) => $"https://api.twilio.com/2010-04-01/Accounts/{FunctionsApp.AccountSid}/Recordings/{sid}";
        if (kind == "attributes")
        {
            var leg = await Remote.PostControlAsync($"/_sandbox/calls/{NewCallSid()}/recordings", new { duration = 88 });
            var sid = leg.GetProperty("sid").GetString()!;
            var json = Attributes(new
            {
                from = caller, to = Line, call_sid = callSid, zd_ticket_id = "", channelType = "voice",
                conversations = new { segment_link = link(sid), media = new[] { new { url = link(sid), type = "VoiceRecording", channels = new[] { "customer", "others" } } } },
            });
            return (json, sid, [link(sid)]);
        }

        var conference = "CF" + Guid.NewGuid().ToString("N");
        var own = (await Remote.PostControlAsync($"/_sandbox/calls/{callSid}/recordings", new { duration = 20 })).GetProperty("sid").GetString()!;
        var whole = (await Remote.PostControlAsync($"/_sandbox/conferences/{conference}/recordings", new { duration = 90 })).GetProperty("sid").GetString()!;
        var attributes = Attributes(new
        {
            from = caller, to = Line, call_sid = callSid, zd_ticket_id = "", channelType = "voice",
            conference = new { sid = conference, participants = new { customer = callSid } },
        });
        return (attributes, whole, [link(own), link(whole)]);
    }

    /// <summary>A call from arrival to completion, accepted by the agent with <paramref name="email"/>.</summary>
    public static async Task<string> AnsweredCallAsync(FlexScenario scenario, string json, string email, string? completedEventSid = null)
    {
        var taskSid = NewTaskSid();
        await SeedTaskAsync(taskSid, json);
        await scenario.SendAsync("task.created", taskSid, json);
        await scenario.SendForWorkerAsync("reservation.accepted", taskSid, json, "WK" + Guid.NewGuid().ToString("N"), "Alice", new { email, full_name = "Alice" });
        await scenario.DrainAsync();
        await scenario.SendAsync("task.completed", taskSid, json, completedEventSid);
        await scenario.DrainAsync();
        return taskSid;
    }

    public static List<JsonElement> CommentsOfType(JsonElement ticket, string type) =>
        [.. ticket.GetProperty("comments").EnumerateArray().Where(c => c.GetProperty("type").GetString() == type)];

    public static async Task<JsonElement> ReportAsync(FlexScenario scenario, string taskSid)
    {
        using var client = scenario.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/ops/tasks/{taskSid}");
        request.Headers.Add("x-functions-key", AdminKey);
        using var response = await client.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }
}

/// <summary>
/// <c>Notes:VoiceComment</c> (on by default): the recording plays inside the ticket as a voice comment, its own update
/// beside the completed note, which keeps the task's metadata; a call without a recording gets none.
/// </summary>
public sealed class VoiceCommentTests : ScenarioFixture
{
    private protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Admin:Key"] = VoiceCalls.AdminKey };

    [Test]
    public async Task ARecordedCallBecomesAVoiceCommentTheAgentPlaysAndTheNoteKeepsTheMetadata()
    {
        var (alice, email) = await VoiceCalls.SeedAgentAsync();
        var call = VoiceCalls.NewCallSid();
        var (caller, recording) = await VoiceCalls.SeedCallAsync(call, recorded: true, transcription: "I would like a refund.");

        var taskSid = await VoiceCalls.AnsweredCallAsync(Scenario, VoiceCalls.CallAttributes(caller, call), email);

        var ticket = await TicketForAsync(taskSid);
        var voice = VoiceCalls.CommentsOfType(ticket, "VoiceComment");
        var calls = await ZendeskRequestsAsync();
        var report = await VoiceCalls.ReportAsync(Scenario, taskSid);
        TestContext.Progress.WriteLine($"Zendesk calls, new caller, agent's first task, pop and voice comment: {calls.Count} ({string.Join(", ", calls.Select(c => c.GetProperty("method").GetString() + " " + c.GetProperty("path").GetString()))})");
        Assert.Multiple(() =>
        {
            Assert.That(voice, Has.Count.EqualTo(1));
            var data = voice[0].GetProperty("data");
            Assert.That(data.GetProperty("recording_url").GetString(), Does.EndWith($"/Recordings/{recording}.mp3"));
            Assert.That((data.GetProperty("from").GetString(), data.GetProperty("to").GetString()), Is.EqualTo((caller, VoiceCalls.Line)));
            Assert.That((VoiceCalls.Long(data, "call_duration"), VoiceCalls.Long(data, "answered_by_id")), Is.EqualTo(((long?)95, (long?)alice)));
            Assert.That(data.GetProperty("transcription_text").GetString(), Is.EqualTo("I would like a refund."));
            Assert.That(DateTimeOffset.Parse(data.GetProperty("started_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture), Is.LessThan(DateTimeOffset.UtcNow));
            Assert.That(NotesFor(ticket, taskSid, "completed"), Is.EqualTo(1), "the metadata stays in the internal note");
            Assert.That(Comments(ticket).Single(c => c.Contains($"[FlexZendesk {taskSid} completed]", StringComparison.Ordinal)), Does.Contain($"Recording: https://api.twilio.com/2010-04-01/Accounts/{FunctionsApp.AccountSid}/Recordings/{recording}"));
            Assert.That(calls, Has.Count.EqualTo(7), "today's 4, the worker's first lookup, the pop, the voice comment (its own update)");
            Assert.That(report.GetProperty("notes").GetProperty("voice_comment").GetString(), Is.EqualTo("done"));
        });
    }

    /// <summary>Every way Flex records a call: the voice comment plays the longest recording of any source, the note links each.</summary>
    [TestCase("attributes")]
    [TestCase("conference")]
    public async Task ACallRecordedOutsideItsOwnRecordingsStillBecomesAVoiceComment(string kind)
    {
        var (alice, email) = await VoiceCalls.SeedAgentAsync();
        var call = VoiceCalls.NewCallSid();
        var (caller, _) = await VoiceCalls.SeedCallAsync(call, recorded: false);
        var (json, recording, linked) = await VoiceCalls.RecordedElsewhereAsync(kind, caller, call);

        var taskSid = await VoiceCalls.AnsweredCallAsync(Scenario, json, email);

        var ticket = await TicketForAsync(taskSid);
        var voice = VoiceCalls.CommentsOfType(ticket, "VoiceComment");
        var note = Comments(ticket).Single(c => c.Contains($"[FlexZendesk {taskSid} completed]", StringComparison.Ordinal));
        Assert.Multiple(async () =>
        {
            Assert.That(voice, Has.Count.EqualTo(1));
            Assert.That(voice[0].GetProperty("data").GetProperty("recording_url").GetString(), Does.EndWith($"/Recordings/{recording}.mp3"));
            Assert.That(VoiceCalls.Long(voice[0].GetProperty("data"), "answered_by_id"), Is.EqualTo(alice));
            foreach (var link in linked)
            {
                Assert.That(note.Split('\n').Count(l => l == "Recording: " + link), Is.EqualTo(1), $"the note links {link} once");
            }

            Assert.That(await ZendeskRequestsAsync(), Has.Count.EqualTo(7), "as a call recorded on itself: today's 4, the lookup, the pop, the voice comment");
        });
    }

    /// <summary>
    /// The same Zendesk result in any event order: a completion processed before the acceptance learns the agent from
    /// TaskRouter's reservations (a Twilio read), so the ticket, the note authors and the voice comment are the agent's, as
    /// in order, for the same Zendesk calls.
    /// </summary>
    [TestCase("in order", new[] { "task.created", "reservation.accepted", "task.completed" })]
    [TestCase("reversed", new[] { "task.completed", "reservation.accepted", "task.created" })]
    [TestCase("completed first", new[] { "task.completed", "task.created", "reservation.accepted" })]
    public async Task EveryEventOrderGivesTheSameAgentOnTheTicket(string order, string[] events)
    {
        var (alice, email) = await VoiceCalls.SeedAgentAsync();
        var call = VoiceCalls.NewCallSid();
        var (caller, _) = await VoiceCalls.SeedCallAsync(call, recorded: true);
        var json = VoiceCalls.CallAttributes(caller, call);
        var taskSid = NewTaskSid();
        var worker = "WK" + Guid.NewGuid().ToString("N");
        await SeedTaskAsync(taskSid, json);
        var workerAttributes = new { email, full_name = "Alice" };
        // What TaskRouter knows by the time any of these events is processed: the worker took the task.
        await Remote.PostControlAsync($"/_sandbox/tasks/{taskSid}/reservations", new { worker_sid = worker, status = "completed", worker_name = "Alice", worker_attributes = workerAttributes });

        foreach (var eventType in events)
        {
            if (eventType.StartsWith("reservation.", StringComparison.Ordinal))
            {
                await Scenario.SendForWorkerAsync(eventType, taskSid, json, worker, "Alice", workerAttributes);
            }
            else
            {
                await Scenario.SendAsync(eventType, taskSid, json);
            }

            await Scenario.DrainAsync();
        }

        var ticket = (await TicketsAsync()).Single();
        var voice = VoiceCalls.CommentsOfType(ticket, "VoiceComment");
        var notes = ticket.GetProperty("comments").EnumerateArray().Where(c => c.GetProperty("type").GetString() == "Comment").ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(VoiceCalls.Long(ticket, "assignee_id"), Is.EqualTo(alice), order);
            Assert.That(notes.Select(c => VoiceCalls.Long(c, "author_id")).ToList(), Has.Count.EqualTo(2).And.All.EqualTo(alice), "the accepted and the completed note are the agent's");
            Assert.That(voice.Select(v => VoiceCalls.Long(v.GetProperty("data"), "answered_by_id")), Is.EqualTo(new long?[] { alice }));
            Assert.That(await ZendeskRequestsAsync(), Has.Count.EqualTo(7), "the same calls in every order: today's 4, the worker's lookup, the pop, the voice comment");
        });
    }

    /// <summary>A <c>Twilio:ApiKeySid</c> deployment: every Twilio REST call authenticates with the key, as Twilio accepts it.</summary>
    [Test]
    public async Task AnApiKeyDeploymentMakesEveryTwilioCallWithTheKey()
    {
        Remote.Options.TwilioApiKeySid = "SK" + Guid.NewGuid().ToString("N");
        Remote.Options.TwilioApiKeySecret = "test-api-key-secret-not-real";
        await using var scenario = new FlexScenario(new Dictionary<string, string?>
        {
            ["Admin:Key"] = VoiceCalls.AdminKey,
            ["Twilio:ApiKeySid"] = Remote.Options.TwilioApiKeySid,
            ["Twilio:ApiKeySecret"] = Remote.Options.TwilioApiKeySecret,
        });
        var (_, email) = await VoiceCalls.SeedAgentAsync();
        var call = VoiceCalls.NewCallSid();
        var (caller, _) = await VoiceCalls.SeedCallAsync(call, recorded: true);

        var taskSid = await VoiceCalls.AnsweredCallAsync(scenario, VoiceCalls.CallAttributes(caller, call), email);

        var twilio = (await Remote.StateAsync()).GetProperty("requests").EnumerateArray().Where(r => r.GetProperty("api").GetString() == "twilio").ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(twilio, Has.Count.GreaterThanOrEqualTo(4), "the task's read and write-back, the call, its recordings");
            Assert.That(twilio.Select(r => (r.GetProperty("credential").GetString(), r.GetProperty("status").GetInt32() < 400)), Is.All.EqualTo(("api-key", true)));
            Assert.That(VoiceCalls.CommentsOfType(await TicketForAsync(taskSid), "VoiceComment"), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task ACallWithoutARecordingGetsNoVoiceCommentAndCostsNothingMore()
    {
        var (_, email) = await VoiceCalls.SeedAgentAsync();
        var call = VoiceCalls.NewCallSid();
        var (caller, _) = await VoiceCalls.SeedCallAsync(call, recorded: false);

        var taskSid = await VoiceCalls.AnsweredCallAsync(Scenario, VoiceCalls.CallAttributes(caller, call), email);

        var ticket = await TicketForAsync(taskSid);
        var report = await VoiceCalls.ReportAsync(Scenario, taskSid);
        Assert.Multiple(async () =>
        {
            Assert.That(VoiceCalls.CommentsOfType(ticket, "VoiceComment"), Is.Empty);
            Assert.That(NotesFor(ticket, taskSid, "completed"), Is.EqualTo(1));
            Assert.That(await ZendeskRequestsAsync(), Has.Count.EqualTo(6), "today's 4, the lookup, the pop");
            Assert.That(report.GetProperty("notes").GetProperty("voice_comment").GetString(), Is.EqualTo("skipped: the call has no recording"));
        });
    }

    [Test]
    public async Task ADuplicateCompletionWritesTheVoiceCommentOnce()
    {
        var (_, email) = await VoiceCalls.SeedAgentAsync();
        var call = VoiceCalls.NewCallSid();
        var (caller, _) = await VoiceCalls.SeedCallAsync(call, recorded: true);
        var json = VoiceCalls.CallAttributes(caller, call);
        var completed = "EV" + Guid.NewGuid().ToString("N");

        var taskSid = await VoiceCalls.AnsweredCallAsync(Scenario, json, email, completed);
        await Scenario.SendAsync("task.completed", taskSid, json, completed);
        await Scenario.SendAsync("task.completed", taskSid, json);
        await Scenario.DrainAsync();

        Assert.That(VoiceCalls.CommentsOfType(await TicketForAsync(taskSid), "VoiceComment"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AWorkerThatDiedAfterTheVoiceCommentLeavesAClaimTheNextDeliveryResolvesByTheRecordingUrl()
    {
        var (_, email) = await VoiceCalls.SeedAgentAsync();
        var call = VoiceCalls.NewCallSid();
        var (caller, _) = await VoiceCalls.SeedCallAsync(call, recorded: true);
        var json = VoiceCalls.CallAttributes(caller, call);
        var taskSid = await VoiceCalls.AnsweredCallAsync(Scenario, json, email);
        // As if the worker died between Zendesk's answer and its ledger save: the comment is there, the ledger holds a stale claim.
        var session = await Scenario.App.Services.GetRequiredService<LedgerStore>().OpenAsync(taskSid, CancellationToken.None);
        await session.RecordAsync(l => l.ClaimNote("voice_comment", new Claim("dead", DateTimeOffset.UnixEpoch)), CancellationToken.None);
        var before = (await ZendeskRequestsAsync()).Count;

        await Scenario.SendAsync("task.completed", taskSid, json);
        await Scenario.DrainAsync();

        var requests = (await ZendeskRequestsAsync()).Skip(before).ToList();
        var report = await VoiceCalls.ReportAsync(Scenario, taskSid);
        Assert.Multiple(async () =>
        {
            Assert.That(VoiceCalls.CommentsOfType(await TicketForAsync(taskSid), "VoiceComment"), Has.Count.EqualTo(1));
            Assert.That(requests.Select(r => r.GetProperty("method").GetString()), Is.EqualTo(new[] { "GET" }), "the comments read, no second update");
            Assert.That(report.GetProperty("notes").GetProperty("voice_comment").GetString(), Is.EqualTo("done"));
        });
    }
}

/// <summary>
/// <c>Zendesk:TalkAppId</c> (Talk Partner Edition): the call becomes a call record with its voice comment on the ticket,
/// exactly once under duplicates and a create whose answer was lost; a caller who hangs up in the queue becomes an
/// <c>abandoned_in_queue</c> record with no ticket.
/// </summary>
public sealed class CallRecordTests : ScenarioFixture
{
    private protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Admin:Key"] = VoiceCalls.AdminKey,
        ["Zendesk:TalkAppId"] = "7001",
    };

    private static async Task<List<JsonElement>> RecordsAsync(string callSid) =>
        [.. (await Remote.StateAsync()).GetProperty("calls").EnumerateArray().Where(c => c.GetProperty("external_id").GetString() == callSid)];

    [Test]
    public async Task AnAnsweredCallBecomesOneCallRecordOnItsTicketUnderDuplicates()
    {
        var (alice, email) = await VoiceCalls.SeedAgentAsync();
        var call = VoiceCalls.NewCallSid();
        var (caller, recording) = await VoiceCalls.SeedCallAsync(call, recorded: true);
        var json = VoiceCalls.CallAttributes(caller, call);
        var completed = "EV" + Guid.NewGuid().ToString("N");

        var taskSid = await VoiceCalls.AnsweredCallAsync(Scenario, json, email, completed);
        var first = await ZendeskRequestsAsync();
        await Scenario.SendAsync("task.completed", taskSid, json, completed);
        await Scenario.SendAsync("task.completed", taskSid, json);
        await Scenario.DrainAsync();

        var ticket = await TicketForAsync(taskSid);
        var records = await RecordsAsync(call);
        var report = await VoiceCalls.ReportAsync(Scenario, taskSid);
        TestContext.Progress.WriteLine($"Zendesk calls, new caller, agent's first task, pop and call record: {first.Count} ({string.Join(", ", first.Select(c => c.GetProperty("method").GetString() + " " + c.GetProperty("path").GetString()))})");
        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(1));
            var record = records[0];
            Assert.That((VoiceCalls.Long(record, "ticket_id"), VoiceCalls.Long(record, "agent_id"), VoiceCalls.Long(record, "end_user_id")), Is.EqualTo((VoiceCalls.Long(ticket, "id"), (long?)alice, VoiceCalls.Long(ticket, "requester_id"))));
            Assert.That((record.GetProperty("from_line").GetString(), record.GetProperty("to_line").GetString(), record.GetProperty("direction").GetString()), Is.EqualTo((caller, VoiceCalls.Line, "inbound")));
            Assert.That((record.GetProperty("completion_status").GetString(), VoiceCalls.Long(record, "duration"), VoiceCalls.Long(record, "app_id")), Is.EqualTo(("completed", (long?)95, (long?)7001)));
            Assert.That(record.GetProperty("recording_url").GetString(), Does.EndWith($"/Recordings/{recording}.mp3"));
            Assert.That(VoiceCalls.Long(record, "wait_time"), Is.Not.Null);
            Assert.That(VoiceCalls.CommentsOfType(ticket, "TpeVoiceComment"), Has.Count.EqualTo(1), "the call record's voice comment on the ticket");
            Assert.That(VoiceCalls.CommentsOfType(ticket, "VoiceComment"), Is.Empty, "a call record instead of the Tickets API voice comment");
            Assert.That(first, Has.Count.EqualTo(7), "today's 4, the lookup, the pop, the call record");
            Assert.That((report.GetProperty("callRecord").GetString(), VoiceCalls.Long(report, "callRecordId")), Is.EqualTo(("done", VoiceCalls.Long(record, "id"))));
        });
    }

    [TestCase("attributes")]
    [TestCase("conference")]
    public async Task ACallRecordedOutsideItsOwnRecordingsGetsACallRecordWithTheRecording(string kind)
    {
        var (_, email) = await VoiceCalls.SeedAgentAsync();
        var call = VoiceCalls.NewCallSid();
        var (caller, _) = await VoiceCalls.SeedCallAsync(call, recorded: false);
        var (json, recording, _) = await VoiceCalls.RecordedElsewhereAsync(kind, caller, call);

        var taskSid = await VoiceCalls.AnsweredCallAsync(Scenario, json, email);

        var records = await RecordsAsync(call);
        Assert.Multiple(async () =>
        {
            Assert.That(records, Has.Count.EqualTo(1));
            Assert.That(records[0].GetProperty("recording_url").GetString(), Does.EndWith($"/Recordings/{recording}.mp3"));
            Assert.That(VoiceCalls.CommentsOfType(await TicketForAsync(taskSid), "TpeVoiceComment"), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task ACreateWhoseAnswerWasLostIsFoundByItsExternalIdNotMadeAgain()
    {
        var (_, email) = await VoiceCalls.SeedAgentAsync();
        var call = VoiceCalls.NewCallSid();
        var (caller, _) = await VoiceCalls.SeedCallAsync(call, recorded: true);
        // Zendesk makes the record, the answer never arrives: as a crash between the create and the ledger save looks to a retry.
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", method = "POST", path_contains = "/api/v2/calls", mode = "drop", after = true, count = 1 });

        var taskSid = await VoiceCalls.AnsweredCallAsync(Scenario, VoiceCalls.CallAttributes(caller, call), email);
        await WaitUntilAsync(async () => (await VoiceCalls.ReportAsync(Scenario, taskSid)).GetProperty("callRecord").GetString() == "done", TimeSpan.FromSeconds(30));

        var requests = await ZendeskRequestsAsync();
        var records = await RecordsAsync(call);
        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(1));
            Assert.That(requests.Count(r => r.GetProperty("method").GetString() == "POST" && r.GetProperty("path").GetString()!.StartsWith("/api/v2/calls", StringComparison.Ordinal)), Is.EqualTo(1), "one create");
            Assert.That(requests.Count(r => r.GetProperty("method").GetString() == "GET" && r.GetProperty("path").GetString()!.StartsWith($"/api/v2/calls/{VoiceCalls.Long(records[0], "id")}", StringComparison.Ordinal)), Is.EqualTo(1), "its external_id checked");
        });
    }

    [Test]
    public async Task AWorkerThatDiedAfterTheCreateLeavesAClaimTheNextDeliveryResolvesWithoutASecondRecord()
    {
        var (_, email) = await VoiceCalls.SeedAgentAsync();
        var call = VoiceCalls.NewCallSid();
        var (caller, _) = await VoiceCalls.SeedCallAsync(call, recorded: true);
        var json = VoiceCalls.CallAttributes(caller, call);
        var taskSid = await VoiceCalls.AnsweredCallAsync(Scenario, json, email);
        // As if the worker died between Zendesk's answer and its ledger save: the record exists, the ledger holds a stale claim.
        var session = await Scenario.App.Services.GetRequiredService<LedgerStore>().OpenAsync(taskSid, CancellationToken.None);
        await session.RecordAsync(l => (l.CallRecord, l.CallRecordId) = (new Claim("dead", DateTimeOffset.UnixEpoch).ToString(), null), CancellationToken.None);

        await Scenario.SendAsync("task.completed", taskSid, json);
        await Scenario.DrainAsync();

        var report = await VoiceCalls.ReportAsync(Scenario, taskSid);
        var records = await RecordsAsync(call);
        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(1));
            Assert.That((report.GetProperty("callRecord").GetString(), VoiceCalls.Long(report, "callRecordId")), Is.EqualTo(("done", VoiceCalls.Long(records[0], "id"))));
        });
    }

    [Test]
    public async Task ACallerWhoHangsUpInTheQueueBecomesAnAbandonedCallRecordWithNoTicket()
    {
        var call = VoiceCalls.NewCallSid();
        var (caller, _) = await VoiceCalls.SeedCallAsync(call, recorded: false);
        var json = VoiceCalls.CallAttributes(caller, call);
        var taskSid = NewTaskSid();
        await SeedTaskAsync(taskSid, json);
        var canceled = "EV" + Guid.NewGuid().ToString("N");

        await Scenario.SendAsync("task.created", taskSid, json);
        await Scenario.SendAsync("task.canceled", taskSid, json, canceled);
        await Scenario.SendAsync("task.canceled", taskSid, json, canceled);
        await Scenario.DrainAsync();

        var records = await RecordsAsync(call);
        var report = await VoiceCalls.ReportAsync(Scenario, taskSid);
        Assert.Multiple(async () =>
        {
            Assert.That(records, Has.Count.EqualTo(1));
            Assert.That(records[0].GetProperty("completion_status").GetString(), Is.EqualTo("abandoned_in_queue"));
            Assert.That(records[0].TryGetProperty("ticket_id", out _), Is.False, "no ticket");
            Assert.That(VoiceCalls.Long(records[0], "wait_time"), Is.Not.Null);
            Assert.That(await TicketsAsync(), Is.Empty, "no ticket made for it");
            Assert.That(report.GetProperty("callRecord").GetString(), Is.EqualTo("done"));
        });
    }

    [Test]
    public async Task WithoutTalkPartnerEditionTheCallRecordIsRefusedOnceAndTheNotesStand()
    {
        // Its own app: the screen pop pause the refusal starts must not reach the other tests' app.
        await using var scenario = new FlexScenario(Settings);
        var (_, email) = await VoiceCalls.SeedAgentAsync();
        await Remote.PostControlAsync("/_sandbox/account", new { talk_partner_edition = false });
        var call = VoiceCalls.NewCallSid();
        var (caller, _) = await VoiceCalls.SeedCallAsync(call, recorded: true);

        var taskSid = await VoiceCalls.AnsweredCallAsync(scenario, VoiceCalls.CallAttributes(caller, call), email);

        var ticket = await TicketForAsync(taskSid);
        var report = await VoiceCalls.ReportAsync(scenario, taskSid);
        var creates = (await ZendeskRequestsAsync()).Where(r => r.GetProperty("path").GetString()!.StartsWith("/api/v2/calls", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(creates.Select(r => r.GetProperty("status").GetInt32()), Is.EqualTo(new[] { 403 }), "refused once, not retried");
            Assert.That(NotesFor(ticket, taskSid, "accepted") + NotesFor(ticket, taskSid, "completed"), Is.EqualTo(2));
            Assert.That(report.GetProperty("callRecord").GetString(), Does.StartWith("failed: "));
        });
    }
}
