using System.Globalization;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Twilio;

/// <summary>The screen-pop write-back through the Twilio SDK: If-Match carries the version read, in whatever form Twilio sent it.</summary>
public sealed class TaskWriteBackTests : ScenarioFixture
{
    [TestCase(false, TestName = "AConcurrentChangeIsNeverOverwritten(bare ETag, as Twilio documents it)")]
    [TestCase(true, TestName = "AConcurrentChangeIsNeverOverwritten(quoted ETag)")]
    public async Task AConcurrentChangeBetweenReadAndWriteIsNeverOverwritten(bool quotedETag)
    {
        Remote.Options.QuoteTaskETag = quotedETag;
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155553100" });
        await SeedTaskAsync(taskSid, attributes);
        // Another client (a Flex plugin, a Studio flow) writes the task right after the app has read it.
        await Remote.PostControlAsync($"/_sandbox/tasks/{taskSid}/concurrent-write", new { key = "wrapup_reason", value = "set by the agent meanwhile" });

        await Scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await Scenario.DrainAsync();

        var written = JsonDocument.Parse(await TaskAttributesAsync(taskSid)).RootElement;
        var ticketId = (await TicketForAsync(taskSid)).GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        var writes = (await Remote.StateAsync()).GetProperty("requests").EnumerateArray()
            .Where(r => r.GetProperty("method").GetString() == "POST" && r.GetProperty("path").GetString()!.EndsWith("/Tasks/" + taskSid, StringComparison.Ordinal))
            .Select(r => r.GetProperty("status").GetInt32())
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(written.GetProperty("wrapup_reason").GetString(), Is.EqualTo("set by the agent meanwhile"), "the concurrent change survived");
            Assert.That(written.GetProperty("zd_ticket_id").GetString(), Is.EqualTo(ticketId), "the screen pop landed too");
            Assert.That(written.GetProperty("from").GetString(), Is.EqualTo("+14155553100"));
            Assert.That(writes, Is.EqualTo(new[] { 412, 200 }), "the first write carried the version read (not *) and was refused; the second merged");
        });
    }
}
