using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.Tests.Fidelity;

/// <summary>The stand-in must answer as the real APIs document, or tests against it prove nothing.</summary>
public sealed class SandboxFidelityTests
{
    private static SandboxServer Sandbox => TestEnvironment.Sandbox;

    [SetUp]
    public Task Reset() => Sandbox.ResetAsync();

    [Test]
    public async Task ZendeskRejectsWrongCredentialsWith401()
    {
        using var client = Sandbox.ZendeskClient("wrong-token");
        using var response = await client.GetAsync(new Uri("/api/v2/users/search.json?query=x", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task TicketCreationReplaysUnderTheSameIdempotencyKey()
    {
        var user = await Sandbox.PostControlAsync("/_sandbox/users", new { name = "Caller", phone = "+14155550100" });
        var body = new { ticket = new { subject = "Call", comment = new { body = "hello", @public = false }, requester_id = user.GetProperty("user").GetProperty("id").GetInt64() } };
        using var client = Sandbox.ZendeskClient();

        using var first = await Send(client, body, "key-1");
        using var replay = await Send(client, body, "key-1");
        using var conflicting = await Send(client, new { ticket = new { subject = "Other", comment = new { body = "x" }, requester_id = 1 } }, "key-1");

        Assert.Multiple(async () =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(first.Headers.GetValues("x-idempotency-lookup").Single(), Is.EqualTo("miss"));
            Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(replay.Headers.GetValues("x-idempotency-lookup").Single(), Is.EqualTo("hit"));
            Assert.That(await Id(replay), Is.EqualTo(await Id(first)));
            Assert.That(conflicting.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await conflicting.Content.ReadAsStringAsync(), Does.Contain("IdempotentRequestError"));
        });
        Assert.That((await Sandbox.StateAsync()).GetProperty("tickets").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public async Task ClosedTicketRejectsUpdatesWith422()
    {
        await Sandbox.PostControlAsync("/_sandbox/users", new { name = "Caller" });
        var ticket = await Sandbox.PostControlAsync("/_sandbox/tickets", new { subject = "Old", status = "closed" });
        using var client = Sandbox.ZendeskClient();
        using var response = await client.PutAsJsonAsync(
            new Uri($"/api/v2/tickets/{ticket.GetProperty("ticket").GetProperty("id").GetInt64()}.json", UriKind.Relative),
            new { ticket = new { comment = new { body = "note", @public = false } } });
        Assert.That(response.StatusCode, Is.EqualTo((HttpStatusCode)422));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("RecordInvalid"));
    }

    [Test]
    public async Task BudgetExhaustionAnswers429WithRetryAfter()
    {
        Sandbox.Options.RequestsPerMinute = 3;
        using var client = Sandbox.ZendeskClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await client.GetAsync(new Uri("/api/v2/users/search?query=x", UriKind.Relative));
            statuses.Add(last.StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(new[] { HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        Assert.That(last!.Headers.RetryAfter?.Delta?.TotalSeconds, Is.InRange(1, 60));
        last.Dispose();
    }

    [TestCase(false, "1")]
    [TestCase(true, "\"1\"")]
    public async Task TaskUpdateWithAStaleETagIs412(bool quoted, string expectedETag)
    {
        Sandbox.Options.QuoteTaskETag = quoted;
        await Sandbox.PostControlAsync("/_sandbox/tasks", new { sid = "WT1", workspace_sid = "WS1", attributes = "{\"a\":1}" });
        using var client = Sandbox.TwilioClient();
        using var read = await client.GetAsync(new Uri("/v1/Workspaces/WS1/Tasks/WT1", UriKind.Relative));
        // Raw: the typed ETag header is null for the bare form Twilio documents.
        var etag = read.Headers.GetValues("ETag").Single();

        using var first = await Post(client, etag, "{\"a\":2}");
        using var stale = await Post(client, etag, "{\"a\":3}");
        using var any = await Post(client, "*", "{\"a\":4}");

        Assert.Multiple(async () =>
        {
            Assert.That(etag, Is.EqualTo(expectedETag));
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(stale.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(any.StatusCode, Is.EqualTo(HttpStatusCode.OK), "If-Match: * matches any version");
            var task = (await Sandbox.StateAsync()).GetProperty("tasks")[0];
            Assert.That(task.GetProperty("attributes").GetString(), Is.EqualTo("{\"a\":4}"));
        });
    }

    [Test]
    public async Task ControlEndpointsNeedTheKey()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(Sandbox.BaseUrl) };
        using var response = await anonymous.GetAsync(new Uri("/_sandbox/state", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/tickets.json") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> Post(HttpClient client, string etag, string attributes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/Workspaces/WS1/Tasks/WT1")
        {
            Content = new FormUrlEncodedContent([new("Attributes", attributes)]),
        };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }

    private static async Task<long> Id(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ticket").GetProperty("id").GetInt64();
}
