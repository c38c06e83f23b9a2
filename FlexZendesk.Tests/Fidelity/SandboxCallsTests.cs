using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.Tests.Fidelity;

/// <summary>
/// The sandbox's voice comments and Talk Partner Edition Calls API answer as Zendesk documents (mandatory fields, a
/// recording URL), and as the sandbox chose where it does not (one comment per update, registered app ids, 403 without
/// Talk Partner Edition): tests of the app's call record prove something only if these hold.
/// </summary>
public sealed class SandboxCallsTests
{
    private static SandboxServer Sandbox => TestEnvironment.Sandbox;

    [SetUp]
    public Task Reset() => Sandbox.ResetAsync();

    private static async Task<(long Ticket, long Agent, long Caller)> SeedAsync()
    {
        var caller = (await Sandbox.PostControlAsync("/_sandbox/users", new { name = "Caller", phone = "+14155550100" })).GetProperty("user").GetProperty("id").GetInt64();
        var agent = (await Sandbox.PostControlAsync("/_sandbox/users", new { name = "Alice", email = "alice@example.test", role = "agent" })).GetProperty("user").GetProperty("id").GetInt64();
        var ticket = (await Sandbox.PostControlAsync("/_sandbox/tickets", new { subject = "Call", requester_id = caller })).GetProperty("ticket").GetProperty("id").GetInt64();
        return (ticket, agent, caller);
    }

    private static object Voice(string? recordingUrl, long? answeredBy = null) =>
        new { from = "+14155550100", to = "+18005550199", recording_url = recordingUrl, started_at = "2026-12-05T10:00:00Z", call_duration = 40, answered_by_id = answeredBy };

    private static async Task<HttpStatusCode> PutAsync(long ticket, object body)
    {
        using var client = Sandbox.ZendeskClient();
        using var response = await client.PutAsync(new Uri($"/api/v2/tickets/{ticket}.json", UriKind.Relative), JsonContent.Create(body, options: SandboxServer.JsonOptions));
        return response.StatusCode;
    }

    [Test]
    public async Task AVoiceCommentNeedsItsRecordingAndRidesAloneInItsUpdate()
    {
        var (ticket, agent, _) = await SeedAsync();

        var withoutRecording = await PutAsync(ticket, new { ticket = new { voice_comment = Voice(null) } });
        var withNote = await PutAsync(ticket, new { ticket = new { voice_comment = Voice("https://recordings.example.test/1.mp3"), comment = new { body = "note", @public = false } } });
        var byEndUser = await PutAsync(ticket, new { ticket = new { voice_comment = Voice("https://recordings.example.test/1.mp3", answeredBy: 1) } });
        var good = await PutAsync(ticket, new { ticket = new { voice_comment = Voice("https://recordings.example.test/1.mp3", answeredBy: agent) } });

        var comments = (await Sandbox.StateAsync()).GetProperty("tickets")[0].GetProperty("comments").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That((withoutRecording, withNote, byEndUser, good), Is.EqualTo(((HttpStatusCode)422, (HttpStatusCode)422, (HttpStatusCode)422, HttpStatusCode.OK)));
            var voice = comments.Single(c => c.GetProperty("type").GetString() == "VoiceComment");
            Assert.That(voice.GetProperty("data").GetProperty("recording_url").GetString(), Is.EqualTo("https://recordings.example.test/1.mp3"));
            Assert.That(voice.GetProperty("author_id").GetInt64(), Is.EqualTo(agent));
        });
    }

    [Test]
    public async Task TheCallsApiCreatesReadsAndPatchesRecordsAndPutsTheVoiceCommentOnTheTicket()
    {
        var (ticket, agent, caller) = await SeedAsync();
        using var client = Sandbox.ZendeskClient();
        var call = new { app_id = 7001, from_line = "+14155550100", to_line = "+18005550199", call_started_at = "2026-12-05T10:00:00Z", direction = "inbound", ticket_id = ticket, agent_id = agent, end_user_id = caller, external_id = "CA1" };

        using var missing = await client.PostAsJsonAsync(new Uri("/api/v2/calls", UriKind.Relative), new { call = new { app_id = 7001, from_line = "+1" } });
        using var unknownApp = await client.PostAsJsonAsync(new Uri("/api/v2/calls", UriKind.Relative), new { call = call with { app_id = 42 } }, SandboxServer.JsonOptions);
        using var created = await client.PostAsJsonAsync(new Uri("/api/v2/calls", UriKind.Relative), new { call, comment = new { title = "Inbound call", call_fields = new[] { "from_line", "agent_id" }, author_id = agent } }, SandboxServer.JsonOptions);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("call").GetProperty("id").GetInt64();
        using var patched = await client.PatchAsJsonAsync(new Uri($"/api/v2/calls/{id}", UriKind.Relative), new { call = new { completion_status = "completed", duration = 40 } });
        var read = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v2/calls/{id}", UriKind.Relative));
        using var unknown = await client.GetAsync(new Uri("/api/v2/calls/1", UriKind.Relative));

        var comments = (await Sandbox.StateAsync()).GetProperty("tickets")[0].GetProperty("comments").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That((missing.StatusCode, unknownApp.StatusCode, created.StatusCode, patched.StatusCode, unknown.StatusCode),
                Is.EqualTo(((HttpStatusCode)422, (HttpStatusCode)422, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.NotFound)));
            var record = read.GetProperty("call");
            Assert.That((record.GetProperty("external_id").GetString(), record.GetProperty("completion_status").GetString(), record.GetProperty("duration").GetInt32()), Is.EqualTo(("CA1", "completed", 40)));
            var voice = comments.Single(c => c.GetProperty("type").GetString() == "TpeVoiceComment");
            Assert.That((voice.GetProperty("data").GetProperty("call_id").GetInt64(), voice.GetProperty("public").GetBoolean()), Is.EqualTo((id, false)));
            Assert.That(voice.GetProperty("data").GetProperty("call_fields").GetProperty("from_line").GetString(), Is.EqualTo("+14155550100"), "the call fields the docs say the comment shows");
            Assert.That(voice.GetProperty("author_id").GetInt64(), Is.EqualTo(1), "no source documents the section's author_id: the API user's, the field ignored");
        });
    }

    [Test]
    public async Task WithoutTalkPartnerEditionTheCallsApiAnswers403()
    {
        await Sandbox.PostControlAsync("/_sandbox/account", new { talk_partner_edition = false });
        using var client = Sandbox.ZendeskClient();

        using var response = await client.PostAsJsonAsync(new Uri("/api/v2/calls", UriKind.Relative), new { call = new { app_id = 7001 } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
