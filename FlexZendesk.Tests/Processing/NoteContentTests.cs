using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>What the notes carry, and which stages get one.</summary>
// Tests that need other settings start their own app; the others share the fixture's.
public sealed class NoteContentTests : ScenarioFixture
{
    [Test]
    public async Task ChatTaskCompletionNoteCarriesTheTranscript()
    {
        var scenario = Scenario;
        var taskSid = NewTaskSid();
        const string conversation = "CH0123456789abcdef0123456789abcdef";
        await Remote.PostControlAsync($"/_sandbox/conversations/{conversation}/messages", new { author = "customer", body = "My order never arrived" });
        await Remote.PostControlAsync($"/_sandbox/conversations/{conversation}/messages", new { author = "alice", body = "Sorry! Refunding now." });
        var attributes = Attributes(new { from = "+14155550300", conversationSid = conversation, channelType = "chat" });
        await SeedTaskAsync(taskSid, attributes);

        await scenario.SendAsync("reservation.accepted", taskSid, attributes, channel: "chat");
        await scenario.SendAsync("task.completed", taskSid, attributes, channel: "chat");
        await scenario.DrainAsync();

        var completed = Comments(await TicketForAsync(taskSid)).Single(c => c.Contains($"{taskSid} completed]", StringComparison.Ordinal));
        Assert.That(completed, Does.Contain("Transcript:").And.Contain("customer: My order never arrived").And.Contain("alice: Sorry! Refunding now."));
    }

    /// <summary>Twilio publishes PageSize ≤ 100 for Conversations messages (the sandbox refuses more): a long chat is read in pages.</summary>
    [Test]
    public async Task ALongChatsTranscriptIsReadInPagesTwilioAllows()
    {
        var scenario = Scenario;
        var taskSid = NewTaskSid();
        const string conversation = "CH0123456789abcdef0123456789abc150";
        for (var i = 0; i < 150; i++)
        {
            await Remote.PostControlAsync($"/_sandbox/conversations/{conversation}/messages", new { author = "customer", body = $"message {i:D3}" });
        }

        var attributes = Attributes(new { from = "+14155550304", conversationSid = conversation, channelType = "chat" });
        await SeedTaskAsync(taskSid, attributes);

        await scenario.SendAsync("task.completed", taskSid, attributes, channel: "chat");
        await scenario.DrainAsync();

        var completed = Comments(await TicketForAsync(taskSid)).Single(c => c.Contains($"{taskSid} completed]", StringComparison.Ordinal));
        var reads = (await Remote.StateAsync()).GetProperty("requests").EnumerateArray()
            .Where(r => r.GetProperty("path").GetString()!.EndsWith($"{conversation}/Messages", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(completed, Does.Contain("customer: message 000").And.Contain("customer: message 099").And.Contain("customer: message 149"));
            Assert.That(reads.Select(r => r.GetProperty("status").GetInt32()), Is.EqualTo(new[] { 200, 200 }), "two pages of at most 100, each answered");
        });
    }

    [Test]
    public async Task NotesCarryTheRecordingLink()
    {
        var scenario = Scenario;
        var segmentTask = NewTaskSid();
        var segment = Attributes(new { from = "+14155550301", conversations = new { segment_link = "https://recordings.example.test/segment/1" } });
        var callTask = NewTaskSid();
        const string call = "CA0123456789abcdef0123456789abcdef";
        var recording = await Remote.PostControlAsync($"/_sandbox/calls/{call}/recordings", new { duration = 42 });
        var callAttributes = Attributes(new { from = "+14155550302", call_sid = call });
        await SeedTaskAsync(segmentTask, segment);
        await SeedTaskAsync(callTask, callAttributes);

        await scenario.SendAsync("task.completed", segmentTask, segment);
        await scenario.SendAsync("task.completed", callTask, callAttributes);
        await scenario.DrainAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(Comments(await TicketForAsync(segmentTask)), Has.Some.Contains("Recording: https://recordings.example.test/segment/1"));
            Assert.That(Comments(await TicketForAsync(callTask)), Has.Some.Contains($"/Recordings/{recording.GetProperty("sid").GetString()}"));
        });
    }

    [Test]
    public async Task OnlyConfiguredStagesGetNotes()
    {
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { ["Notes:Stages"] = "completed", ["Notes:IncludeRecording"] = "false" });
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550303", conversations = new { segment_link = "https://recordings.example.test/2" } });
        await SeedTaskAsync(taskSid, attributes);
        foreach (var eventType in new[] { "task.created", "reservation.accepted", "task.wrapup", "task.completed" })
        {
            await scenario.SendAsync(eventType, taskSid, attributes);
            await scenario.DrainAsync();
        }

        var ticket = await TicketForAsync(taskSid);
        Assert.Multiple(() =>
        {
            Assert.That(NotesFor(ticket, taskSid, "accepted"), Is.Zero, "ticket made at accepted, without a note");
            Assert.That(NotesFor(ticket, taskSid, "wrapup"), Is.Zero);
            Assert.That(NotesFor(ticket, taskSid, "completed"), Is.EqualTo(1));
            Assert.That(Comments(ticket), Has.None.Contains("Recording: "), "Notes:IncludeRecording=false");
        });
    }

    [Test]
    public async Task TicketCreationOffLogsNothingForUnknownTickets()
    {
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { ["Tickets:CreateTickets"] = "false" });
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550304", zd_ticket_id = "" });
        await SeedTaskAsync(taskSid, attributes);
        await scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await scenario.SendAsync("task.completed", taskSid, attributes);
        await scenario.DrainAsync();
        Assert.That(await TicketsAsync(), Is.Empty);
    }

    [Test]
    public async Task ChannelFilterSkipsOtherChannels()
    {
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { ["Flex:TaskChannels"] = "chat" });
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550305" });
        await scenario.SendAsync("reservation.accepted", taskSid, attributes, channel: "voice");
        await scenario.DrainAsync();
        Assert.That(await TicketsAsync(), Is.Empty);
    }

    [Test]
    public async Task ReusedTicketGetsItsTagsEvenWithoutANoteStage()
    {
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { ["Notes:Stages"] = "completed" });
        await Remote.PostControlAsync("/_sandbox/users", new { name = "Caller" });
        var ticketId = (await Remote.PostControlAsync("/_sandbox/tickets", new { subject = "Earlier", status = "open", tags = new[] { "existing" } })).GetProperty("ticket").GetProperty("id").GetInt64();
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550306", zd_ticket_id = ticketId.ToString(System.Globalization.CultureInfo.InvariantCulture), zdCustomTags = "[gold]" });
        await SeedTaskAsync(taskSid, attributes);

        await scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await scenario.DrainAsync();

        var ticket = (await TicketsAsync()).Single();
        Assert.That(Tags(ticket), Is.EquivalentTo(new[] { "existing", "twilio_flex", "gold" }));
        Assert.That(Comments(ticket).Count(), Is.EqualTo(1), "no note at accepted");
    }
}
