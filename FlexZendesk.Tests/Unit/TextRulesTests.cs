using System.Text.Json;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Tickets;

namespace FlexZendesk.UnitTests;

/// <summary>Tags and templates: every shape Flex setups send, and what Zendesk may receive.</summary>
[Category("Unit")]
public sealed class TextRulesTests
{
    [TestCase("""["VIP","billing issue"]""", new[] { "vip", "billing_issue" }, TestName = "A JSON array")]
    [TestCase("\"[\\\"a\\\",\\\"b\\\"]\"", new[] { "a", "b" }, TestName = "A string holding a JSON array")]
    [TestCase("\"[a b ]\"", new[] { "a", "b" }, TestName = "Twilio's own [a b ] example")]
    [TestCase("\"vip, Billing;vip\"", new[] { "vip", "billing" }, TestName = "A separated list, duplicates dropped")]
    [TestCase("\"ünïcode $%^ x\"", new[] { "ncode", "x" }, TestName = "Characters Zendesk tags lose")]
    [TestCase("42", new string[0], TestName = "A number is no tag list")]
    public void CustomTagsAreReadInEveryShape(string json, string[] expected)
    {
        using var document = JsonDocument.Parse(json);
        Assert.That(TagParser.Parse(document.RootElement), Is.EqualTo(expected));
    }

    [Test]
    public void TemplatesInsertPlainSingleLineTextAndNeverReExpand()
    {
        var task = new TaskContext(new FlexEventEnvelope
        {
            Id = "EV1",
            Source = EventSources.TaskRouter,
            EventType = "reservation.accepted",
            ReceivedAt = DateTimeOffset.UnixEpoch,
            TaskSid = "WT1",
            Fields = new() { ["TaskChannelUniqueName"] = "voice", ["TaskQueueName"] = "Sales" },
            TaskAttributes = JsonDocument.Parse("""{"from":"+1415\r\nBcc: x","customer":{"name":"{{task.sid}}"}}""").RootElement.Clone(),
        });

        Assert.Multiple(() =>
        {
            Assert.That(Template.Render("{{task.channel}} from {{ from }} in {{task.queue}}", task, singleLine: true), Is.EqualTo("voice from +1415 Bcc: x in Sales"));
            Assert.That(Template.Render("{{customer.name}} / {{missing}}", task, singleLine: true), Is.EqualTo("{{task.sid}} /"));
        });
    }
}
