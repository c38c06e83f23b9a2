using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Studio;

/// <summary>The IVR's synchronous ticket check, and voicemail ticket requests.</summary>
public sealed class StudioTicketTests
{
    private const string Lookup = "/api/studio/tickets/lookup";
    private FlexScenario _scenario = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _scenario = new FlexScenario();
        _client = _scenario.App.CreateClient();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _scenario.DisposeAsync();
    }

    [SetUp]
    public Task Reset() => Remote.ResetAsync();

    private static async Task<long> SeedTicketAsync(string status)
    {
        await Remote.PostControlAsync("/_sandbox/users", new { name = "Caller" });
        return (await Remote.PostControlAsync("/_sandbox/tickets", new { subject = "Earlier", status })).GetProperty("ticket").GetProperty("id").GetInt64();
    }

    private async Task<JsonElement> GetLookupAsync(string query)
    {
        var pathAndQuery = Lookup + "?" + query;
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Add("X-Twilio-Signature", _scenario.App.Signer.Sign(pathAndQuery));
        using var response = await _client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Test]
    public async Task SignedGetFindsAnOpenTicket()
    {
        var id = await SeedTicketAsync("open");
        var answer = await GetLookupAsync($"Digits={id}");
        Assert.Multiple(() =>
        {
            Assert.That(answer.GetProperty("valid").GetBoolean(), Is.True);
            Assert.That(answer.GetProperty("ticketId").GetInt64(), Is.EqualTo(id));
            Assert.That(answer.GetProperty("status").GetString(), Is.EqualTo("open"));
        });
    }

    [Test]
    public async Task SignedFormPostWorksToo()
    {
        var id = await SeedTicketAsync("pending");
        using var response = await _client.SendAsync(_scenario.App.Signer.Form(Lookup, [new("ticket", id.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(answer.GetProperty("valid").GetBoolean(), Is.True);
    }

    [TestCase("Digits=abc", "invalid")]
    [TestCase("Digits=", "invalid")]
    [TestCase("Digits=987654321", "not_found")]
    public async Task UnusableNumbersSayWhy(string query, string reason)
    {
        var answer = await GetLookupAsync(query);
        Assert.That(answer.GetProperty("valid").GetBoolean(), Is.False);
        Assert.That(answer.GetProperty("reason").GetString(), Is.EqualTo(reason));
    }

    [Test]
    public async Task ClosedTicketIsNotValid()
    {
        var id = await SeedTicketAsync("closed");
        var answer = await GetLookupAsync($"Digits={id}");
        Assert.That(answer.GetProperty("reason").GetString(), Is.EqualTo("closed"));
    }

    [Test]
    public async Task SlowZendeskAnswersUnavailableWithinTheBudget()
    {
        var id = await SeedTicketAsync("open");
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "delay", delay_ms = 5000 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answer = await GetLookupAsync($"Digits={id}");
        Assert.That(answer.GetProperty("reason").GetString(), Is.EqualTo("unavailable"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4.5)), "well inside Studio's 10 s");
    }

    [Test]
    public async Task UnsignedLookupIs403()
    {
        using var response = await _client.GetAsync(new Uri(Lookup + "?Digits=1", UriKind.Relative));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task VoicemailRequestBecomesOneTicketEvenWhenRetried()
    {
        const string voicemail = """{"EventType":"ticket.request","From":"+14155550600","RecordingUrl":"https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE9","TranscriptionText":"Call me about invoice 42","zdCustomTags":"voicemail"}""";
        for (var i = 0; i < 3; i++)
        {
            using var response = await _client.SendAsync(_scenario.App.Signer.Json("/api/studio/events", voicemail));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        await _scenario.DrainAsync();
        var ticket = (await TicketsAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(ticket.GetProperty("subject").GetString(), Is.EqualTo("voicemail contact from +14155550600"));
            Assert.That(Tags(ticket), Does.Contain("voicemail"));
            Assert.That(Comments(ticket).Single(), Does.Contain("Recording: https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE9")
                .And.Contain("Transcription: Call me about invoice 42"));
        });
    }
}
