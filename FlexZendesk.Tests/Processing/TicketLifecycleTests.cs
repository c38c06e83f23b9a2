using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>Whole task lifecycles through the real queue, listener, ledger and sandbox, with Zendesk calls counted.</summary>
public sealed class TicketLifecycleTests : ScenarioFixture
{
    private async Task<string> LifecycleAsync(object attributes)
    {
        var taskSid = NewTaskSid();
        var json = Attributes(attributes);
        await SeedTaskAsync(taskSid, json);
        foreach (var eventType in new[] { "task.created", "reservation.accepted", "task.completed" })
        {
            await Scenario.SendAsync(eventType, taskSid, json);
            await Scenario.DrainAsync();
        }

        return taskSid;
    }

    [Test]
    public async Task NewCallerGetsOneTicketWithTagsNotesAndScreenPop()
    {
        var taskSid = await LifecycleAsync(new { from = "+14155550100", zd_ticket_id = "", zdCustomTags = "[vip billing ]", channelType = "voice" });

        var ticket = await TicketForAsync(taskSid);
        var state = await Remote.StateAsync();
        var requester = state.GetProperty("users").EnumerateArray().Single();
        var rawAttributes = await TaskAttributesAsync(taskSid);
        var attributes = JsonDocument.Parse(rawAttributes).RootElement;
        var calls = await ZendeskRequestsAsync();
        TestContext.Progress.WriteLine($"Zendesk calls, new caller: {calls.Count} ({string.Join(", ", calls.Select(c => c.GetProperty("method").GetString() + " " + c.GetProperty("path").GetString()))})");
        Assert.Multiple(() =>
        {
            Assert.That(state.GetProperty("tickets").GetArrayLength(), Is.EqualTo(1));
            Assert.That(ticket.GetProperty("subject").GetString(), Is.EqualTo("voice contact from +14155550100"));
            Assert.That(Tags(ticket), Is.EquivalentTo(new[] { "twilio_flex", "vip", "billing" }));
            Assert.That(requester.GetProperty("phone").GetString(), Is.EqualTo("+14155550100"));
            Assert.That(ticket.GetProperty("requester_id").GetInt64(), Is.EqualTo(requester.GetProperty("id").GetInt64()));
            Assert.That(NotesFor(ticket, taskSid, "accepted"), Is.EqualTo(1));
            Assert.That(NotesFor(ticket, taskSid, "completed"), Is.EqualTo(1));
            Assert.That(ticket.GetProperty("comments").EnumerateArray().All(c => !c.GetProperty("public").GetBoolean()), Is.True, "notes are internal");
            Assert.That(attributes.GetProperty("zd_ticket_id").GetString(), Is.EqualTo(ticket.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(attributes.GetProperty("zd_user_id").GetString(), Is.EqualTo(requester.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(attributes.GetProperty("zd_ticket_source").GetString(), Is.EqualTo("created"), "the plugin's NAVIGATE choice tells a created ticket from the caller's");
            Assert.That(attributes.GetProperty("zdCustomTags").GetString(), Is.EqualTo("[vip billing ]"), "write-back merges, never replaces");
            Assert.That(rawAttributes, Does.Contain("\"from\":\"+14155550100\""), "written back without re-escaping");
            Assert.That(calls, Has.Count.EqualTo(4), "search user, create user, create ticket with the accepted note, completed note");
        });
    }

    [Test]
    public async Task KnownCallerIsFoundNotCreated()
    {
        var user = await Remote.PostControlAsync("/_sandbox/users", new { name = "Known Caller", phone = "+14155550111" });
        var taskSid = await LifecycleAsync(new { from = "+14155550111", zd_ticket_id = "" });

        var ticket = await TicketForAsync(taskSid);
        var calls = await ZendeskRequestsAsync();
        TestContext.Progress.WriteLine($"Zendesk calls, known caller: {calls.Count}");
        Assert.Multiple(async () =>
        {
            Assert.That((await Remote.StateAsync()).GetProperty("users").GetArrayLength(), Is.EqualTo(1));
            Assert.That(ticket.GetProperty("requester_id").GetInt64(), Is.EqualTo(user.GetProperty("user").GetProperty("id").GetInt64()));
            Assert.That(calls, Has.Count.EqualTo(3), "search user, create ticket with the accepted note, completed note");
        });
    }

    [Test]
    public async Task ValidTicketNumberIsReusedAndGetsTagsAndNotes()
    {
        await Remote.PostControlAsync("/_sandbox/users", new { name = "Caller", phone = "+14155550122" });
        var existing = (await Remote.PostControlAsync("/_sandbox/tickets", new { subject = "Earlier issue", status = "open", tags = new[] { "existing" } })).GetProperty("ticket").GetProperty("id").GetInt64();
        var taskSid = await LifecycleAsync(new { from = "+14155550122", zd_ticket_id = existing.ToString(System.Globalization.CultureInfo.InvariantCulture), zdCustomTags = new[] { "VIP", "Refund Request" } });

        var tickets = await TicketsAsync();
        var ticket = tickets.Single();
        var calls = await ZendeskRequestsAsync();
        TestContext.Progress.WriteLine($"Zendesk calls, valid zd_ticket_id: {calls.Count}");
        Assert.Multiple(() =>
        {
            Assert.That(ticket.GetProperty("id").GetInt64(), Is.EqualTo(existing));
            Assert.That(Tags(ticket), Is.EquivalentTo(new[] { "existing", "twilio_flex", "vip", "refund_request" }), "added, not replaced");
            Assert.That(NotesFor(ticket, taskSid, "accepted"), Is.EqualTo(1));
            Assert.That(NotesFor(ticket, taskSid, "completed"), Is.EqualTo(1));
            Assert.That(calls, Has.Count.EqualTo(3), "show ticket, accepted note with tags, completed note");
        });
    }

    /// <summary>
    /// The owed tags ride on the note as a safe update (the tags read with the ticket, plus ours): when Zendesk refuses it
    /// with 409 (the ticket changed since that read), the note goes in without them and Add Tags adds them.
    /// </summary>
    [Test]
    public async Task AReusedTicketChangedSinceItsReadStillGetsItsTags()
    {
        await Remote.PostControlAsync("/_sandbox/users", new { name = "Caller", phone = "+14155550123" });
        var existing = (await Remote.PostControlAsync("/_sandbox/tickets", new { subject = "Earlier issue", status = "open", tags = new[] { "existing" } })).GetProperty("ticket").GetProperty("id").GetInt64();
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", method = "PUT", path_contains = $"/api/v2/tickets/{existing}", mode = "status", status = 409, count = 1 });

        var taskSid = await LifecycleAsync(new { from = "+14155550123", zd_ticket_id = existing.ToString(System.Globalization.CultureInfo.InvariantCulture), zdCustomTags = new[] { "vip" } });

        var ticket = (await TicketsAsync()).Single();
        var calls = await ZendeskRequestsAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Tags(ticket), Is.EquivalentTo(new[] { "existing", "twilio_flex", "vip" }));
            Assert.That(calls.Select(c => (c.GetProperty("method").GetString(), c.GetProperty("status").GetInt32())),
                Is.EqualTo(new[] { ("GET", 200), ("PUT", 409), ("PUT", 200), ("PUT", 200), ("PUT", 200) }), "show, the refused safe update, the note again, Add Tags, the completed note");
            Assert.That(NotesFor(ticket, taskSid, "accepted"), Is.EqualTo(1));
            Assert.That(NotesFor(ticket, taskSid, "completed"), Is.EqualTo(1));
        });
    }

    /// <summary>
    /// A note claim left by a worker that died is settled by the note's marker among the ticket's comments: on a long-lived
    /// reused ticket the marker is past Zendesk's first page of 100 (oldest first), so the search reads newest first, page
    /// after page, and writes no second note.
    /// </summary>
    [Test]
    public async Task ALongReusedTicketsMarkerIsFoundPastTheFirstPageOfComments()
    {
        await Remote.PostControlAsync("/_sandbox/users", new { name = "Caller", phone = "+14155550124" });
        var existing = (await Remote.PostControlAsync("/_sandbox/tickets", new { subject = "A long story", status = "open", comments = 150 })).GetProperty("ticket").GetProperty("id").GetInt64();
        var taskSid = await LifecycleAsync(new { from = "+14155550124", zd_ticket_id = existing.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        // As if the worker died between Zendesk's answer and its ledger save: the note is there, the ledger holds a stale claim.
        var session = await Scenario.App.Services.GetRequiredService<FlexZendesk.Core.Ledger.LedgerStore>().OpenAsync(taskSid, CancellationToken.None);
        await session.RecordAsync(l => l.ClaimNote("completed", new FlexZendesk.Core.Ledger.Claim("dead", DateTimeOffset.UnixEpoch)), CancellationToken.None);
        var before = (await ZendeskRequestsAsync()).Count;

        await Scenario.SendAsync("task.completed", taskSid, Attributes(new { from = "+14155550124", zd_ticket_id = existing.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
        await Scenario.DrainAsync();

        var ticket = (await TicketsAsync()).Single();
        var requests = (await ZendeskRequestsAsync()).Skip(before).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(NotesFor(ticket, taskSid, "completed"), Is.EqualTo(1), "no second note");
            Assert.That(requests.Select(r => r.GetProperty("method").GetString()), Is.All.EqualTo("GET"), "the comments read, no update");
        });
    }

    [TestCase("")]
    [TestCase("abc")]
    [TestCase("999999999")]
    [TestCase(" 12 34 ")]
    public async Task UnusableTicketNumberMakesANewTicket(string typed)
    {
        var taskSid = await LifecycleAsync(new { from = "+14155550133", zd_ticket_id = typed });
        var ticket = await TicketForAsync(taskSid);
        Assert.That((await TicketsAsync()), Has.Count.EqualTo(1));
        Assert.That(NotesFor(ticket, taskSid, "completed"), Is.EqualTo(1));
    }

    [Test]
    public async Task ClosedTicketNumberMakesANewTicket()
    {
        await Remote.PostControlAsync("/_sandbox/users", new { name = "Caller" });
        var closed = (await Remote.PostControlAsync("/_sandbox/tickets", new { subject = "Old", status = "closed" })).GetProperty("ticket").GetProperty("id").GetInt64();
        var taskSid = await LifecycleAsync(new { from = "+14155550144", zd_ticket_id = closed.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var ticket = await TicketForAsync(taskSid);
        Assert.That(ticket.GetProperty("id").GetInt64(), Is.Not.EqualTo(closed));
    }

    [TestCase("""["Gold","support tier2"]""", new[] { "twilio_flex", "gold", "support_tier2" })]
    [TestCase("\"[\\\"Gold\\\",\\\"Silver\\\"]\"", new[] { "twilio_flex", "gold", "silver" })]
    [TestCase("\"[gold silver ]\"", new[] { "twilio_flex", "gold", "silver" })]
    [TestCase("\"gold, silver bronze\"", new[] { "twilio_flex", "gold", "silver", "bronze" })]
    public async Task CustomTagsInEveryFormatReachTheTicket(string zdCustomTagsJson, string[] expected)
    {
        var attributes = $$"""{"from":"+14155550155","zdCustomTags":{{zdCustomTagsJson}}}""";
        var taskSid = NewTaskSid();
        await SeedTaskAsync(taskSid, attributes);
        await Scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await Scenario.DrainAsync();
        Assert.That(Tags(await TicketForAsync(taskSid)), Is.EquivalentTo(expected));
    }

    /// <summary>
    /// The requester cache (an Azure table of the app's) can outlive the Zendesk user it names (deleted, merged;
    /// here: the sandbox reset). Zendesk answers 422 RecordInvalid naming <c>requester</c>, and the app resolves the
    /// caller again, uncached, instead of giving up on the ticket.
    /// </summary>
    [Test]
    public async Task ARequesterZendeskNoLongerKnowsIsResolvedAgain()
    {
        var attributes = Attributes(new { from = "+14155550990" });
        var first = NewTaskSid();
        await SeedTaskAsync(first, attributes);
        await Scenario.SendAsync("reservation.accepted", first, attributes);
        await Scenario.DrainAsync();
        await Remote.ResetAsync(); // Zendesk forgets the user; the app's cache still maps the phone to it

        var second = NewTaskSid();
        await SeedTaskAsync(second, attributes);
        await Scenario.SendAsync("reservation.accepted", second, attributes);
        await Scenario.DrainAsync();

        var state = await Remote.StateAsync();
        var ticket = await TicketForAsync(second);
        var user = state.GetProperty("users").EnumerateArray().Single();
        var refused = (await ZendeskRequestsAsync()).Count(r => r.GetProperty("status").GetInt32() == 422);
        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.EqualTo(1), "the cached requester was refused once");
            Assert.That(user.GetProperty("phone").GetString(), Is.EqualTo("+14155550990"));
            Assert.That(ticket.GetProperty("requester_id").GetInt64(), Is.EqualTo(user.GetProperty("id").GetInt64()));
            Assert.That(NotesFor(ticket, second, "accepted"), Is.EqualTo(1));
        });
    }
}
