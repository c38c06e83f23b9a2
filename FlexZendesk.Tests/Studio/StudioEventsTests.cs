using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.Tests.Studio;

public sealed class StudioEventsTests : AppFixture
{
    private const string Path = "/api/studio/events";
    private const string Voicemail =
        """{"EventType":"ticket.request","From":"+14155550100","RecordingUrl":"https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1","TranscriptionText":"Please call me back","Digits":1234,"flow":{"sid":"FW1"}}""";

    [Test]
    public async Task JsonCallbackWithBodySha256IsValidatedAndQueued()
    {
        using var response = await Client.SendAsync(App.Signer.Json(Path, Voicemail));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var envelope = (await App.PeekEnvelopesAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(answer.ValueKind, Is.EqualTo(JsonValueKind.Object), "Studio parses only objects");
            Assert.That(answer.GetProperty("accepted").GetBoolean(), Is.True);
            Assert.That(answer.GetProperty("id").GetString(), Is.EqualTo(envelope.Id));
            Assert.That(envelope.Source, Is.EqualTo("studio"));
            Assert.That(envelope.EventType, Is.EqualTo("ticket.request"));
            Assert.That(envelope.Fields["TranscriptionText"], Is.EqualTo("Please call me back"));
            Assert.That(envelope.Fields["Digits"], Is.EqualTo("1234"));
            Assert.That(envelope.Fields["flow"], Is.EqualTo("""{"sid":"FW1"}"""));
            Assert.That(envelope.Raw, Is.EqualTo(Voicemail));
        });
    }

    [Test]
    public async Task JsonBodyChangedAfterSigningIs403()
    {
        using var request = App.Signer.Json(Path, Voicemail);
        request.Content = new StringContent(Voicemail.Replace("call me back", "wire me money", StringComparison.Ordinal), Encoding.UTF8, "application/json");
        using var response = await Client.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(await App.PeekEnvelopesAsync(), Is.Empty);
    }

    [Test]
    public async Task JsonWithoutBodySha256Is403()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(Voicemail, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Twilio-Signature", App.Signer.Sign(Path));
        using var response = await Client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [TestCase("[1,2,3]")]
    [TestCase("\"just a string\"")]
    [TestCase("{\"unterminated\": ")]
    public async Task SignedJsonThatIsNotAnObjectIs400(string json)
    {
        using var response = await Client.SendAsync(App.Signer.Json(Path, json));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("JSON object"));
        Assert.That(await App.PeekEnvelopesAsync(), Is.Empty);
    }

    [Test]
    public async Task DeeplyNestedJsonIs400NotA500()
    {
        var json = "{\"a\":" + string.Concat(Enumerable.Repeat("[", 500)) + string.Concat(Enumerable.Repeat("]", 500)) + "}";
        using var response = await Client.SendAsync(App.Signer.Json(Path, json));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task FormCallbackIsQueuedWithTheDefaultEventType()
    {
        KeyValuePair<string, string>[] fields = [new("From", "+14155550100"), new("Digits", "98765")];
        using var response = await Client.SendAsync(App.Signer.Form(Path, fields));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var envelope = (await App.PeekEnvelopesAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(envelope.EventType, Is.EqualTo("studio.request"));
            Assert.That(envelope.Id, Does.StartWith("sha256:"));
            Assert.That(envelope.Fields["Digits"], Is.EqualTo("98765"));
        });
    }

    [Test]
    public async Task RetriedStudioCallbackKeepsItsId()
    {
        using (var first = await Client.SendAsync(App.Signer.Json(Path, """{"From":"+14155550100"}"""))) { }
        using (var retry = await Client.SendAsync(App.Signer.Json(Path, """{"From":"+14155550100"}"""))) { }
        var ids = (await App.PeekEnvelopesAsync()).Select(e => e.Id).ToList();
        Assert.That(ids, Has.Count.EqualTo(2));
        Assert.That(ids[1], Is.EqualTo(ids[0]));
    }
}
