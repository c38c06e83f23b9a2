using System.Net;
using System.Text;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Security;

/// <summary>Inputs an attacker or a broken integration can send: each gets a clear answer, never a 500 or markup in Zendesk.</summary>
public sealed class HostileInputTests : ScenarioFixture
{
    private const string TaskRouterPath = "/api/taskrouter/events";

    [Test]
    public async Task SignatureCapturedForOnePathIsRejectedOnAnother()
    {
        var fields = TaskRouterSamples.Event("task.created");
        var captured = Scenario.App.Signer.Sign(TaskRouterPath, fields);
        using var client = Scenario.App.CreateClient();
        using var replayed = await client.SendAsync(Scenario.App.Signer.Form("/api/studio/events", fields, captured));
        await ProblemAssert.IsProblemAsync(replayed, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task SignatureIsCaseSensitive()
    {
        var fields = TaskRouterSamples.Event("task.created");
        var signature = Scenario.App.Signer.Sign(TaskRouterPath, fields);
        using var client = Scenario.App.CreateClient();
        using var response = await client.SendAsync(Scenario.App.Signer.Form(TaskRouterPath, fields, SwapCase(signature)));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task DuplicateKeysAndUnicodeAreSignedAndKeptAsReceived()
    {
        List<KeyValuePair<string, string>> fields = [.. TaskRouterSamples.Event("task.created"), new("Note", "zwei"), new("Note", "eins"), new("Name", "Zoë 北京 🙂")];
        using var client = Scenario.App.CreateClient();
        await Scenario.App.Queue.DeleteIfExistsAsync();
        using var response = await client.SendAsync(Scenario.App.Signer.Form(TaskRouterPath, fields));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task DeeplyNestedAttributesAreFlaggedNotFatal()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200);
        var taskSid = NewTaskSid();
        await Scenario.SendAsync("reservation.accepted", taskSid, deep);
        await Scenario.DrainAsync();
        Assert.That(NotesFor(await TicketForAsync(taskSid), taskSid, "accepted"), Is.EqualTo(1), "processed without the attributes");
    }

    [TestCase(47)]
    [TestCase(64)]
    [TestCase(65)]
    public async Task AttributesNestedToAnyDepthAreAcceptedNever500(int depth)
    {
        // Found by the fuzzer: 64 levels parsed, then the envelope (one level deeper) could not be written.
        var fields = TaskRouterSamples.Event("task.created", attributes: new string('[', depth) + new string(']', depth));
        using var client = Scenario.App.CreateClient();
        using var response = await client.SendAsync(Scenario.App.Signer.Form(TaskRouterPath, fields));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task LongAttributeStringsAreAccepted()
    {
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155551100", notes = new string('x', 4096), name = new string('n', 4096) });
        await Scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await Scenario.DrainAsync();
        var ticket = await TicketForAsync(taskSid);
        Assert.That(ticket.GetProperty("subject").GetString()!.Length, Is.LessThan(5000));
    }

    [Test]
    public async Task TemplateAndMarkupInAttributesReachZendeskAsInertText()
    {
        var taskSid = NewTaskSid();
        var attributes = Attributes(new
        {
            from = "+14155551101\r\nBcc: attacker@example.test",
            name = "{{task.sid}} {% if true %}liquid{% endif %} <script>alert(1)</script> {{ticket.requester.email}}",
            zdCustomTags = "[<b>bold</b> {{x}} ok]",
        });
        await Scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await Scenario.DrainAsync();

        var ticket = await TicketForAsync(taskSid);
        var subject = ticket.GetProperty("subject").GetString()!;
        var note = Comments(ticket).First();
        Assert.Multiple(() =>
        {
            Assert.That(subject, Does.Not.Contain("\r").And.Not.Contain("\n"), "no header or subject splitting");
            Assert.That(note, Does.Contain("{{task.sid}}"), "values are never expanded as templates");
            Assert.That(note, Does.Not.Contain(taskSid + " {%"), "the placeholder was not replaced by the task sid");
            Assert.That(Tags(ticket), Has.None.Contains("<").And.None.Contains("{"), "tags keep only tag characters");
        });
    }

    [TestCase("application/x-www-form-urlencoded", "EventType=%ZZ&&==&a")]
    [TestCase("application/json", "{\"EventType\":")]
    [TestCase("application/json", "\u0000\u0001")]
    [TestCase("application/x-www-form-urlencoded; charset=utf-16", "E\0v\0")]
    public async Task MalformedBodiesNeverProduce500(string contentType, string body)
    {
        using var client = Scenario.App.CreateClient();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, TaskRouterPath) { Content = content };
        request.Headers.Add("X-Twilio-Signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
        using var response = await client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.InRange(400, 499));
    }

    private static string SwapCase(string text) =>
        string.Concat(text.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
}
