using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>At-least-once delivery in, exactly-once effects out.</summary>
public sealed class ExactlyOnceTests : ScenarioFixture
{
    private static readonly string[] Lifecycle = ["task.created", "reservation.accepted", "task.completed"];
    [Test]
    public async Task SameEventsFiveTimesConcurrentlyGiveOneTicketAndOneNotePerStage()
    {
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550200", zdCustomTags = "[dup]" });
        await SeedTaskAsync(taskSid, attributes);
        var sends = Lifecycle.SelectMany(eventType =>
        {
            var eventSid = "EV" + Guid.NewGuid().ToString("N");
            return Enumerable.Range(0, 5).Select(_ => Scenario.SendAsync(eventType, taskSid, attributes, eventSid));
        });
        await Task.WhenAll(sends);
        await Scenario.DrainAsync(TimeSpan.FromSeconds(60));

        await AssertExactlyOnceAsync(taskSid);
    }

    /// <summary>
    /// Back to back (normal with auto-accept), a new caller's events are processed together: the worker holding
    /// the task's claim resolves the requester and the ticket once; the others wait for it. Four Zendesk calls:
    /// search user, create user, create ticket (with the first note), add the second note.
    /// </summary>
    [Test]
    public async Task ANewCallersConcurrentEventsCostFourZendeskCalls()
    {
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550210" });
        await SeedTaskAsync(taskSid, attributes);
        await Task.WhenAll(Lifecycle.Select(eventType => Scenario.SendAsync(eventType, taskSid, attributes)));
        await Scenario.DrainAsync(TimeSpan.FromSeconds(60));

        var calls = (await ZendeskRequestsAsync()).Select(r => $"{r.GetProperty("method").GetString()} {r.GetProperty("path").GetString()}").ToList();
        Assert.That(calls, Has.Count.EqualTo(4), string.Join("\n", calls));
        await AssertExactlyOnceAsync(taskSid);
    }

    [Test]
    public async Task ReversedOrderStillGivesOneTicketAndOneNotePerStage()
    {
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550201" });
        await SeedTaskAsync(taskSid, attributes);
        foreach (var eventType in Lifecycle.Reverse())
        {
            await Scenario.SendAsync(eventType, taskSid, attributes);
            await Scenario.DrainAsync();
        }

        await AssertExactlyOnceAsync(taskSid);
    }

    [Test]
    public async Task CompletedAndAcceptedAtTheSameInstantShareOneTicket()
    {
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550202" });
        await SeedTaskAsync(taskSid, attributes);
        await Task.WhenAll(Scenario.SendAsync("task.completed", taskSid, attributes), Scenario.SendAsync("reservation.accepted", taskSid, attributes));
        await Scenario.DrainAsync(TimeSpan.FromSeconds(60));

        await AssertExactlyOnceAsync(taskSid);
    }

    [Test]
    public async Task WriteBackSurvivesA412FromAConcurrentTaskUpdate()
    {
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550203", keep = "me" });
        await SeedTaskAsync(taskSid, attributes);
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "twilio", method = "POST", path_contains = "/Tasks/" + taskSid, mode = "status", status = 412, count = 1 });

        await Scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await Scenario.DrainAsync();

        var written = JsonDocument.Parse(await TaskAttributesAsync(taskSid)).RootElement;
        var writes = (await Remote.StateAsync()).GetProperty("requests").EnumerateArray()
            .Where(r => r.GetProperty("method").GetString() == "POST" && r.GetProperty("path").GetString()!.EndsWith(taskSid, StringComparison.Ordinal))
            .Select(r => r.GetProperty("status").GetInt32()).ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(writes, Is.EqualTo(new[] { 412, 200 }));
            Assert.That(written.GetProperty("zd_ticket_id").GetString(), Is.EqualTo((await TicketForAsync(taskSid)).GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(written.GetProperty("keep").GetString(), Is.EqualTo("me"));
        });
    }

    [Test]
    public async Task ClosedTicketIsLoggedOnceNotRetriedFiveTimes()
    {
        await Remote.PostControlAsync("/_sandbox/users", new { name = "Caller" });
        var ticketId = (await Remote.PostControlAsync("/_sandbox/tickets", new { subject = "Open", status = "open" })).GetProperty("ticket").GetProperty("id").GetInt64();
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550204", zd_ticket_id = ticketId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await SeedTaskAsync(taskSid, attributes);
        await Scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await Scenario.DrainAsync();

        // Closed by an agent between accepted and completed: Zendesk now answers 422 to every update.
        using var zendesk = Remote.ZendeskClient();
        using (var close = await zendesk.PutAsync(new Uri($"/api/v2/tickets/{ticketId}.json", UriKind.Relative),
                   new StringContent("""{"ticket":{"status":"closed"}}""", System.Text.Encoding.UTF8, "application/json")))
        {
            close.EnsureSuccessStatusCode();
        }

        await Scenario.SendAsync("task.completed", taskSid, attributes);
        await Scenario.DrainAsync();

        var refusals = (await ZendeskRequestsAsync()).Count(r => r.GetProperty("status").GetInt32() == 422);
        Assert.Multiple(async () =>
        {
            Assert.That(refusals, Is.EqualTo(1), "a permanent failure is not retried");
            Assert.That((await Scenario.App.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount, Is.Zero);
            Assert.That((await Scenario.App.PoisonQueue.ExistsAsync()).Value, Is.False, "nothing poisoned");
        });
    }

    private static async Task AssertExactlyOnceAsync(string taskSid)
    {
        var tickets = await TicketsAsync();
        Assert.That(tickets, Has.Count.EqualTo(1), "one ticket");
        var ticket = tickets[0];
        Assert.Multiple(async () =>
        {
            Assert.That(ticket.GetProperty("external_id").GetString(), Is.EqualTo(taskSid));
            Assert.That(NotesFor(ticket, taskSid, "accepted"), Is.EqualTo(1), "one accepted note");
            Assert.That(NotesFor(ticket, taskSid, "completed"), Is.EqualTo(1), "one completed note");
            Assert.That((await Remote.StateAsync()).GetProperty("users").GetArrayLength(), Is.EqualTo(1), "one requester");
        });
    }
}
