using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlexZendesk.Core.Tickets;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Studio;

/// <summary>
/// infra/studio/messaging-zendesk.json, the messaging flow (SMS, WhatsApp, Webchat) to import beside the voice IVR: it
/// asks for the ticket number before sending to Flex, re-prompts after a wrong one, its lookup is one the app answers
/// with the fields it branches on, and what Send to Flex carries is what the processor reads.
/// </summary>
public sealed partial class MessagingFlowTests
{
    private static readonly StudioFlowFile File = new("messaging-zendesk.json");

    private static JsonElement Flow => File.Flow;

    private static Dictionary<string, JsonElement> States() => File.States();

    private static IEnumerable<string> Next(JsonElement state) => StudioFlowFile.Next(state);

    [Test]
    public void BothMessagingTriggersAskForTheTicketNumberBeforeFlexAndAWrongNumberAsksAgain()
    {
        var states = States();
        var trigger = states[Flow.GetProperty("initial_state").GetString()!];
        Assert.Multiple(() =>
        {
            Assert.That(states.Values.SelectMany(Next).Distinct(), Is.SubsetOf(states.Keys), "every transition leads to a widget");
            var started = trigger.GetProperty("transitions").EnumerateArray().Where(t => t.TryGetProperty("next", out _)).ToDictionary(t => t.GetProperty("event").GetString()!, t => t.GetProperty("next").GetString());
            Assert.That(started, Is.EquivalentTo(new Dictionary<string, string?> { ["incomingMessage"] = "initTicketAttempts", ["incomingConversationMessage"] = "initTicketAttempts" }));
            Assert.That(states["askTicketNumber"].GetProperty("type").GetString(), Is.EqualTo("send-and-wait-for-reply"));
            Assert.That(Next(states["initTicketAttempts"]), Is.EqualTo(new[] { "askTicketNumber" }));
            Assert.That(Next(states["askTicketNumber"]).First(), Is.EqualTo("hasTicketNumber"), "a reply is checked");
            Assert.That(Next(states["sayTicketNotFound"]).First(), Is.EqualTo("askTicketNumber"), "a wrong number re-prompts");
            Assert.That(Next(states["retryTicketNumber"]), Does.Contain("sayTicketNotFound").And.Contain("sendToFlex"), "three tries, then on without a number");
            Assert.That(states.Values.Count(s => s.GetProperty("type").GetString() == "send-to-flex"), Is.EqualTo(1));
        });
    }

    [TestCase("1234", true)]
    [TestCase(" #1234 ", true)]
    [TestCase("NEW", false)]
    [TestCase("my order 12", false)]
    public void OnlyAReplyThatIsANumberIsLookedUp(string reply, bool lookedUp)
    {
        var condition = States()["hasTicketNumber"].GetProperty("transitions").EnumerateArray()
            .Single(t => t.GetProperty("next").GetString() == "lookupTicket").GetProperty("conditions")[0];
        Assert.That(condition.GetProperty("type").GetString(), Is.EqualTo("regex"));
        Assert.That(Regex.IsMatch(reply, condition.GetProperty("value").GetString()!, RegexOptions.None, TimeSpan.FromSeconds(1)), Is.EqualTo(lookedUp));
    }

    [Test]
    public void SendToFlexCarriesTheTicketNumberAndTagsTheProcessorReads()
    {
        // Studio substitutes the Liquid placeholders; the result must be JSON the processor understands.
        var attributes = States()["sendToFlex"].GetProperty("properties").GetProperty("attributes").GetString()!
            .Replace("{{trigger.message.From}}", "whatsapp:+14155550100", StringComparison.Ordinal)
            .Replace("{{trigger.message.ChannelAttributes.channel_type}}", "whatsapp", StringComparison.Ordinal)
            .Replace("{{flow.variables.zd_ticket_id}}", "1234", StringComparison.Ordinal);
        var task = new TaskContext(new Core.Events.FlexEventEnvelope
        {
            Id = "EV1", Source = "taskrouter", EventType = "task.created", ReceivedAt = DateTimeOffset.UnixEpoch, TaskSid = "WT1",
            TaskAttributes = JsonDocument.Parse(attributes).RootElement.Clone(),
        });
        Assert.Multiple(() =>
        {
            Assert.That(task.RequestedTicketId, Is.EqualTo(1234));
            Assert.That(task.Phone, Is.EqualTo("+14155550100"), "the requester is found by the sender's number");
            Assert.That(TagParser.Parse(task.Attributes.GetProperty("zdCustomTags")), Is.EqualTo(new[] { "messaging" }));
        });
    }

    [Test]
    public async Task TheLookupRequestIsAnsweredWithTheFieldsTheFlowBranchesOn()
    {
        var states = States();
        var lookup = states["lookupTicket"].GetProperty("properties");
        Assert.That(states["keepTicketNumber"].GetProperty("properties").GetProperty("variables")[0].GetProperty("value").GetString(), Is.EqualTo("{{widgets.lookupTicket.parsed.ticketId}}"));

        await Remote.ResetAsync();
        var app = SharedApps.App();
        using var client = app.CreateClient();
        await Remote.PostControlAsync("/_sandbox/users", new { name = "Texter" });
        var ticketId = (await Remote.PostControlAsync("/_sandbox/tickets", new { subject = "Earlier", status = "open" })).GetProperty("ticket").GetProperty("id").GetInt64();
        // What Studio makes of the Liquid: the reply without "#", trimmed.
        var url = new Uri(LiquidPlaceholder().Replace(lookup.GetProperty("url").GetString()!, ticketId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var request = new HttpRequestMessage(new HttpMethod(lookup.GetProperty("method").GetString()!), url.PathAndQuery);
        request.Headers.Add("X-Twilio-Signature", app.Signer.Sign(url.PathAndQuery));
        using var response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That((answer.GetProperty("valid").GetBoolean(), answer.GetProperty("ticketId").GetInt64()), Is.EqualTo((true, ticketId)));
    }

    [GeneratedRegex(@"\{\{widgets\.askTicketNumber\.inbound\.Body[^}]*\}\}")]
    private static partial Regex LiquidPlaceholder();
}
