using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>
/// <c>POST /api/flex/tasks/selected</c> as the Flex UI plugin calls it: the agent's own Flex token, validated with
/// (the sandbox's) Twilio, must belong to a worker who took the task; then the pop at once and the "selected" note once
/// per task and agent. CORS admits <c>Flex:AllowedOrigins</c> only.
/// </summary>
public sealed class FlexPluginTests : ScenarioFixture
{
    private const string Path = "/api/flex/tasks/selected";
    private const string SelfHosted = "https://flex.example.test";

    private protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Notes:Stages"] = "accepted,selected,completed",
        ["Flex:AllowedOrigins"] = "https://flex.twilio.com, " + SelfHosted,
    };

    private static string NewWorkerSid() => "WK" + Guid.NewGuid().ToString("N");

    private static async Task<string> MintAsync(string worker, int ttlSeconds = 3600) =>
        (await Remote.PostControlAsync("/_sandbox/flex-tokens", new { worker_sid = worker, realm_user_id = $"{worker}@example.test", ttl_seconds = ttlSeconds })).GetProperty("token").GetString()!;

    /// <summary>A call an agent (online in Zendesk, e-mail from the worker SID) accepted as <paramref name="worker"/>: ticket, note and pop done.</summary>
    private async Task<(string TaskSid, long Ticket, long Agent)> AcceptedAsync(string worker)
    {
        var email = $"{worker}@example.test";
        var agent = (await Remote.PostControlAsync("/_sandbox/users", new { name = "Alice", email, role = "agent", online = true })).GetProperty("user").GetProperty("id").GetInt64();
        var taskSid = NewTaskSid();
        var json = Attributes(new { from = $"+1415{Random.Shared.Next(1_000_000, 9_999_999)}", channelType = "voice" });
        await SeedTaskAsync(taskSid, json);
        await Scenario.SendForWorkerAsync("reservation.accepted", taskSid, json, worker, "Alice", new { email });
        await Scenario.DrainAsync();
        return (taskSid, (await TicketForAsync(taskSid)).GetProperty("id").GetInt64(), agent);
    }

    private async Task<HttpResponseMessage> SelectAsync(object body, string? origin = null, string? bearer = null)
    {
        using var client = Scenario.App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(body) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return await client.SendAsync(request);
    }

    private static async Task<List<JsonElement>> PopsAsync() => [.. (await Remote.StateAsync()).GetProperty("pops").EnumerateArray()];

    [Test]
    public async Task TheAcceptingAgentsSelectsPopEveryTimeAndLogOneNote()
    {
        var worker = NewWorkerSid();
        var (taskSid, ticket, agent) = await AcceptedAsync(worker);
        var token = await MintAsync(worker);

        using var first = await SelectAsync(new { taskSid, token }, origin: "https://flex.twilio.com");
        using var second = await SelectAsync(new { taskSid }, bearer: token);
        await Scenario.DrainAsync();

        var answer = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        var pops = await PopsAsync();
        var comments = Comments(await TicketForAsync(taskSid)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That((first.StatusCode, second.StatusCode), Is.EqualTo((HttpStatusCode.Accepted, HttpStatusCode.Accepted)));
            Assert.That(first.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("https://flex.twilio.com"));
            Assert.That(answer.GetProperty("pop").GetString(), Does.StartWith($"done: ticket {ticket}"));
            Assert.That(pops.Select(p => (p.GetProperty("agent_id").GetInt64(), p.GetProperty("id").GetInt64())), Is.EqualTo(Enumerable.Repeat((agent, ticket), 3)), "the acceptance's pop, then one per select");
            Assert.That(comments.Count(c => c.Contains($"[FlexZendesk {taskSid} selected_{worker}]", StringComparison.Ordinal)), Is.EqualTo(1), "one selected note per task and agent");
            Assert.That(comments, Has.Some.StartsWith("Twilio Flex task selected\n"));
        });

        // Once the note is logged, a select is the pop alone: no task read, nothing queued.
        var taskReads = await TaskReadsAsync(taskSid);
        using var third = await SelectAsync(new { taskSid, token });
        var (readsAfter, queued, popsAfter) = (await TaskReadsAsync(taskSid), (await Scenario.App.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount, (await PopsAsync()).Count);
        Assert.Multiple(() =>
        {
            Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(readsAfter, Is.EqualTo(taskReads));
            Assert.That(queued, Is.Zero);
            Assert.That(popsAfter, Is.EqualTo(4));
        });
    }

    private static async Task<int> TaskReadsAsync(string taskSid) =>
        (await Remote.StateAsync()).GetProperty("requests").EnumerateArray()
            .Count(r => r.GetProperty("method").GetString() == "GET" && r.GetProperty("path").GetString()!.EndsWith("/Tasks/" + taskSid, StringComparison.Ordinal));

    [Test]
    public async Task AnotherWorkersTaskIs403AndNothingIsWritten()
    {
        var (taskSid, _, _) = await AcceptedAsync(NewWorkerSid());
        var intruder = await MintAsync(NewWorkerSid());
        var before = (await PopsAsync()).Count;

        using var response = await SelectAsync(new { taskSid, token = intruder });
        await Scenario.DrainAsync();

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Multiple(async () =>
        {
            Assert.That(await PopsAsync(), Has.Count.EqualTo(before));
            Assert.That(Comments(await TicketForAsync(taskSid)).Where(c => c.Contains("selected", StringComparison.Ordinal)), Is.Empty);
        });
    }

    [Test]
    public async Task AWorkerTheLedgerHasNotSeenIsAdmittedByItsTaskRouterReservation()
    {
        var worker = NewWorkerSid();
        var taskSid = NewTaskSid();
        await SeedTaskAsync(taskSid, Attributes(new { from = "+14155550777", channelType = "voice" }));
        await Remote.PostControlAsync($"/_sandbox/tasks/{taskSid}/reservations", new { worker_sid = worker, status = "accepted" });

        using var response = await SelectAsync(new { taskSid, token = await MintAsync(worker) });
        await Scenario.DrainAsync();

        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(answer.GetProperty("pop").GetString(), Does.StartWith("skipped: the task has no ticket yet"));
            Assert.That(NotesFor(await TicketForAsync(taskSid), taskSid, $"selected_{worker}"), Is.EqualTo(1), "the task's attributes read from TaskRouter make its ticket");
        });
    }

    [TestCase("none")]
    [TestCase("forged")]
    [TestCase("expired")]
    public async Task NoForgedOrExpiredTokenIs401(string kind)
    {
        var worker = NewWorkerSid();
        var (taskSid, _, _) = await AcceptedAsync(worker);
        var token = kind switch
        {
            "forged" => "eyJ" + Guid.NewGuid().ToString("N"),
            "expired" => await MintAsync(worker, ttlSeconds: 0),
            _ => null,
        };

        using var response = await SelectAsync(new { taskSid, token });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.That(await Scenario.App.PeekEnvelopesAsync(), Is.Empty);
    }

    /// <summary>Twilio documents no status for a refused token; its validator library reads valid whatever the status.</summary>
    [TestCase(401)]
    [TestCase(403)]
    public async Task ATokenRefusedWithAnErrorStatusIs401NotOurCredentials(int status)
    {
        var worker = NewWorkerSid();
        var (taskSid, _, _) = await AcceptedAsync(worker);
        Remote.Options.TokenRefusalStatus = status;

        using var response = await SelectAsync(new { taskSid, token = "eyJ" + Guid.NewGuid().ToString("N") });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task OurOwnCredentialsRefusedIs503()
    {
        var worker = NewWorkerSid();
        var (taskSid, _, _) = await AcceptedAsync(worker);
        var token = await MintAsync(worker);
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "twilio", path_contains = "/Tokens/validate", mode = "status", status = 401, count = 1 });

        using var response = await SelectAsync(new { taskSid, token });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
    }

    [Test]
    public async Task TwilioUnreachableIs503WithRetryAfter()
    {
        var worker = NewWorkerSid();
        var (taskSid, _, _) = await AcceptedAsync(worker);
        var token = await MintAsync(worker);
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "twilio", path_contains = "/Tokens/validate", mode = "status", status = 503, count = 1 });

        using var response = await SelectAsync(new { taskSid, token });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    [TestCase(SelfHosted, true)]
    [TestCase("https://evil.example.test", false)]
    public async Task PreflightAdmitsOnlyTheAllowedOrigins(string origin, bool allowed)
    {
        using var client = Scenario.App.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, Path);
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");

        using var response = await client.SendAsync(preflight);
        using var post = await SelectAsync(new { taskSid = NewTaskSid(), token = "x" }, origin);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null, Is.EqualTo(allowed ? origin : null));
            Assert.That(response.Headers.TryGetValues("Access-Control-Allow-Methods", out var methods) ? methods.Single() : null, Is.EqualTo(allowed ? "POST" : null));
            if (allowed)
            {
                await ProblemAssert.IsProblemAsync(post, HttpStatusCode.Unauthorized);
            }
            else
            {
                await ProblemAssert.IsProblemAsync(post, HttpStatusCode.Forbidden);
            }
        });
    }

    [Test]
    public async Task AMissingTaskSidIs400()
    {
        using var response = await SelectAsync(new { taskSid = "nope", token = "x" });
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
