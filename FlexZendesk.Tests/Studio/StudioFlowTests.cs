using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexZendesk.Core.Tickets;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Studio;

/// <summary>
/// infra/studio/voice-ivr-zendesk.json, the Studio flow to import: its widgets are wired, its lookup request is one
/// the app answers with the fields the flow branches on, and what Send to Flex carries is what the processor reads.
/// </summary>
public sealed class StudioFlowTests
{
    private static readonly StudioFlowFile File = new("voice-ivr-zendesk.json");

    private static JsonElement Flow => File.Flow;

    private static Dictionary<string, JsonElement> States() => File.States();

    private static IEnumerable<string> Next(JsonElement state) => StudioFlowFile.Next(state);

    [Test]
    public void EveryTransitionLeadsToAWidgetAndTheTicketNumberIsAskedBeforeTheMenu()
    {
        var states = States();
        Assert.That(states.Values.SelectMany(Next).Distinct(), Is.SubsetOf(states.Keys));
        Assert.That(states[Flow.GetProperty("initial_state").GetString()!].GetProperty("type").GetString(), Is.EqualTo("trigger"));

        // Walk from the incoming call: getTicketNumber must come before the existing gather.
        var order = new List<string>();
        var queue = new Queue<string>(["Trigger"]);
        while (queue.TryDequeue(out var name))
        {
            if (!order.Contains(name))
            {
                order.Add(name);
                foreach (var next in Next(states[name]))
                {
                    queue.Enqueue(next);
                }
            }
        }

        Assert.That(order.IndexOf("getTicketNumber"), Is.GreaterThan(0).And.LessThan(order.IndexOf("gatherDepartment")));
        Assert.That(states["getTicketNumber"].GetProperty("type").GetString(), Is.EqualTo("gather-input-on-call"));
        Assert.That(Next(states["sayTicketNotFound"]), Is.EqualTo(new[] { "getTicketNumber" }), "a wrong number re-prompts");
        Assert.That(states.Values.Count(s => s.GetProperty("type").GetString() == "send-to-flex"), Is.EqualTo(3));
    }

    [Test]
    public void SendToFlexCarriesTheTicketNumberAndTagsTheProcessorReads()
    {
        foreach (var state in States().Values.Where(s => s.GetProperty("type").GetString() == "send-to-flex"))
        {
            // Studio substitutes the Liquid placeholders; the result must be JSON the processor understands.
            var attributes = state.GetProperty("properties").GetProperty("attributes").GetString()!
                .Replace("{{trigger.call.From}}", "+14155550100", StringComparison.Ordinal)
                .Replace("{{flow.variables.zd_ticket_id}}", "1234", StringComparison.Ordinal);
            var parsed = JsonDocument.Parse(attributes).RootElement;
            Assert.That(parsed.GetProperty("zd_ticket_id").GetString(), Is.EqualTo("1234"));
            Assert.That(parsed.GetProperty("from").GetString(), Is.EqualTo("+14155550100"));
            Assert.That(TagParser.Parse(parsed.GetProperty("zdCustomTags")), Has.Count.EqualTo(1), state.GetProperty("name").GetString());
        }
    }

    [Test]
    public async Task TheLookupRequestIsAnsweredWithTheFieldsTheFlowBranchesOn()
    {
        var states = States();
        var url = new Uri(states["lookupTicket"].GetProperty("properties").GetProperty("url").GetString()!.Replace("{{widgets.getTicketNumber.Digits}}", "NUMBER", StringComparison.Ordinal));
        Assert.That(states["ticketValid"].GetProperty("properties").GetProperty("input").GetString(), Is.EqualTo("{{widgets.lookupTicket.parsed.valid}}"));
        Assert.That(states["keepTicketNumber"].GetProperty("properties").GetProperty("variables")[0].GetProperty("value").GetString(), Is.EqualTo("{{widgets.lookupTicket.parsed.ticketId}}"));

        await Remote.ResetAsync();
        var app = SharedApps.App();
        using var client = app.CreateClient();
        await Remote.PostControlAsync("/_sandbox/users", new { name = "Caller" });
        var ticketId = (await Remote.PostControlAsync("/_sandbox/tickets", new { subject = "Earlier", status = "open" })).GetProperty("ticket").GetProperty("id").GetInt64();
        var pathAndQuery = url.PathAndQuery.Replace("NUMBER", ticketId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(states["lookupTicket"].GetProperty("properties").GetProperty("method").GetString()!), pathAndQuery);
        request.Headers.Add("X-Twilio-Signature", app.Signer.Sign(pathAndQuery));
        using var response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(answer.GetProperty("valid").GetBoolean(), Is.True);
        Assert.That(answer.GetProperty("ticketId").GetInt64(), Is.EqualTo(ticketId));
    }
}
