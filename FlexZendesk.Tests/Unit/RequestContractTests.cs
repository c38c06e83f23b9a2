using System.Text.Json;
using FlexZendesk.Core.Zendesk;
using FlexZendesk.Functions.Flex;
using FlexZendesk.Tests.Contracts;

namespace FlexZendesk.UnitTests;

/// <summary>
/// The contract tier's unit part: every request body the app builds, serialised as the app's clients serialise it with
/// every field it can carry set, judged against the vendors' descriptions without a server (docs/testing.md).
/// </summary>
[Category("Unit")]
public sealed class RequestContractTests
{
    private static readonly JsonSerializerOptions Zendesk = ZendeskJsonContext.Default.Options;

    public static IEnumerable<TestCaseData> ZendeskBodies()
    {
        var comment = new ZendeskNewComment("Twilio Flex task accepted", Public: false, AuthorId: 1001);
        var voice = new ZendeskVoiceComment("+14155550100", "+18005550199", "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1.mp3", "2026-12-08T00:00:00Z", 95, 1001, "Hello");
        yield return Case("create or update a requester", "POST", "/api/v2/users/create_or_update.json", new ZendeskUserBody(new ZendeskNewUser("+14155550100", "caller@example.test", "+14155550100", "ext-1")));
        yield return Case("create a ticket", "POST", "/api/v2/tickets.json", new ZendeskNewTicketBody(new ZendeskNewTicket("voice contact", comment, 1002, ["twilio_flex", "vip"], "WT1", AssigneeId: 1001, SubmitterId: 1001, GroupId: 7)));
        yield return Case("a note with tags owed to a reused ticket, the assignee and group", "PUT", "/api/v2/tickets/1003.json",
            new ZendeskTicketUpdateBody(new ZendeskTicketUpdate(comment, ["billing", "twilio_flex"], AssigneeId: 1001, GroupId: 7) { SafeUpdate = true, UpdatedStamp = "2026-12-08T00:00:00Z" }));
        yield return Case("a voice comment", "PUT", "/api/v2/tickets/1003.json", new ZendeskTicketUpdateBody(new ZendeskTicketUpdate(null, null, VoiceComment: voice)));
        yield return Case("add tags", "PUT", "/api/v2/tickets/1003/tags.json", new ZendeskTags(["vip", "billing"]));
        yield return Case("a call record with its voice comment", "POST", "/api/v2/calls", new ZendeskCallBody(
            new ZendeskCall(null, 7001, "+14155550100", "+18005550199", "2026-12-08T00:00:00Z", "inbound", TicketId: 1003, AgentId: 1001, EndUserId: 1002,
                ExternalId: "CA1", CallEndedAt: "2026-12-08T00:01:35Z", Duration: 95, WaitTime: 3, TalkTime: 92, QueueName: "Everyone",
                RecordingUrl: "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1.mp3", Transcript: "Hello", CompletionStatus: "completed"),
            new ZendeskCallComment("Inbound call from +14155550100", ZendeskCallComment.Fields)));
    }

    [TestCaseSource(nameof(ZendeskBodies))]
    public void EveryZendeskBodyIsDeclaredByZendesk(string method, string path, string body)
    {
        var verdict = VendorContracts.Instance.Judge(new VendorRequest("zendesk", method, path, "", "application/json; charset=utf-8", body));
        Assert.That(verdict.Violations, Is.Empty, $"{verdict.Operation}: {body}");
    }

    [Test]
    public void TheFlexTokenQuestionIsWhatTwilioValidates()
    {
        var body = JsonSerializer.Serialize(new TokenQuestion("eyJ.token"), FlexTokenJson.Default.TokenQuestion);
        var verdict = VendorContracts.Instance.Judge(new VendorRequest("twilio", "POST", "/v1/Accounts/AC0123456789abcdef0123456789abcdef/Tokens/validate", "", "application/json; charset=utf-8", body));
        Assert.That(verdict, Has.Property(nameof(Verdict.Operation)).EqualTo("Twilio IAM ValidateToken").And.Property(nameof(Verdict.Violations)).Empty);
    }

    /// <summary>The judge itself: what it must catch, each on its own (a judge that passes everything proves nothing).</summary>
    [TestCase("zendesk", "PUT", "/api/v2/tickets/1003.json", "", """{"ticket":{"additional_tags":["vip"]}}""", "additional_tags")]
    [TestCase("zendesk", "PUT", "/api/v2/tickets/update_many.json", "?ids=1,2", """{"ticket":{"additional_tags":["vip"],"flavour":1}}""", "ticket.flavour")]
    [TestCase("zendesk", "POST", "/api/v2/calls", "", """{"call":{"app_id":1,"from_line":"a","to_line":"b","call_started_at":"c","direction":"inbound"},"comment":{"title":"t","author_id":1}}""", "comment.author_id")]
    [TestCase("zendesk", "POST", "/api/v2/calls", "", """{"call":{"app_id":1,"from_line":"a","to_line":"b","direction":"inbound"}}""", "call.call_started_at")]
    [TestCase("zendesk", "GET", "/api/v2/tickets/1003/comments.json", "?colour=red", "", "colour")]
    [TestCase("zendesk", "GET", "/api/v2/tickets/1003/flavours.json", "", "", "no such operation")]
    [TestCase("zendesk", "POST", "/api/v2/channels/voice/agents/1001/tickets/1003/display.json", "", """{"x":1}""", "takes no body")]
    [TestCase("zendesk", "POST", "/api/v2/tickets.json", "", """{"ticket":{"subject":7}}""", "ticket.subject")]
    [TestCase("twilio", "GET", "/v1/Conversations/CH0123456789abcdef0123456789abcdef/Messages", "?PageSize=200", "", "PageSize")]
    [TestCase("twilio", "GET", "/v1/Conversations/CH0123456789abcdef0123456789abcdef/Messages", "?Colour=red", "", "Colour")]
    [TestCase("twilio", "POST", "/v1/Workspaces/WS0123456789abcdef0123456789abcdef/Tasks/WT0123456789abcdef0123456789abcdef", "", "Attributes=%7B%7D&Colour=red", "Colour")]
    [TestCase("twilio", "GET", "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls/CA-not-a-sid/Recordings.json", "", "", "CallSid")]
    [TestCase("twilio", "POST", "/v1/Accounts/AC0123456789abcdef0123456789abcdef/Tokens/validate", "", """{"tokens":"x"}""", "token")]
    public void TheJudgeCatchesWhatTheVendorsDoNotDeclare(string api, string method, string path, string query, string body, string named)
    {
        Assert.That(named, Is.Not.Empty);
        var contentType = body.StartsWith('{') ? "application/json" : body.Length > 0 ? "application/x-www-form-urlencoded" : null;
        var verdict = VendorContracts.Instance.Judge(new VendorRequest(api, method, path, query, contentType, body.Length == 0 ? null : body));
        Assert.That(verdict.Violations, Has.Some.Contains(named), verdict.Operation);
    }

    [Test]
    public void ABodylessZendeskPostWithoutContentTypeIsCaught()
    {
        var display = new VendorRequest("zendesk", "POST", "/api/v2/channels/voice/agents/1001/tickets/1003/display.json", "", null, null);
        var withHeader = display with { ContentType = "application/json" };
        Assert.Multiple(() =>
        {
            Assert.That(VendorContracts.Instance.Judge(display).Violations, Has.Some.Contains("Content-Type: application/json"));
            Assert.That(VendorContracts.Instance.Judge(withHeader).Violations, Is.Empty);
        });
    }

    [Test]
    public void TheJudgeKnowsTheOperationsTheAppCalls()
    {
        var contracts = VendorContracts.Instance;
        Assert.That(contracts.ZendeskOperations, Is.GreaterThan(600), "Zendesk's Support operations and the Talk Partner Edition facts");
        Assert.That(contracts.TwilioOperations, Is.GreaterThan(100), "TaskRouter, the 2010 API and Conversations, and the token validation facts");
    }

    private static TestCaseData Case<T>(string name, string method, string path, T body) =>
        new TestCaseData(method, path, JsonSerializer.Serialize(body, Zendesk)).SetName($"EveryZendeskBodyIsDeclaredByZendesk({name})");
}
