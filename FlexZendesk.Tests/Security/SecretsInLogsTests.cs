using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Security;

/// <summary>No auth token, API token, storage key or signature ever reaches a log line, at any level.</summary>
public sealed partial class SecretsInLogsTests
{
    [Test]
    public async Task AFullRunLogsNoSecret()
    {
        await Remote.ResetAsync();
        var logs = new CapturingLoggerProvider();
        var signatures = new List<string>();
        var flexTokens = new List<string>();
        await using (var scenario = new FlexScenario(new Dictionary<string, string?> { ["Notes:Stages"] = "accepted,selected,completed" }, logs))
        {
            using var client = scenario.App.CreateClient();
            var taskSid = NewTaskSid();
            var attributes = Attributes(new { from = "+14155550900", zdCustomTags = "[a b]" });
            await SeedTaskAsync(taskSid, attributes);
            const string worker = "WK0123456789abcdef0123456789abcdef";
            await scenario.SendAsync("task.created", taskSid, attributes);
            await scenario.SendForWorkerAsync("reservation.accepted", taskSid, attributes, worker, "Alice", new { email = "alice@example.test" });
            await scenario.SendAsync("task.completed", taskSid, attributes);
            await scenario.DrainAsync();

            // Rejected callbacks: tampered, wrong token, missing header.
            var fields = TaskRouterSamples.Event("task.created");
            var good = scenario.App.Signer.Sign("/api/taskrouter/events", fields);
            var forged = new TwilioSigner("attacker-token", FunctionsApp.PublicBaseUrl).Sign("/api/taskrouter/events", fields);
            signatures.AddRange([good, forged]);
            using (var tampered = scenario.App.Signer.Form("/api/taskrouter/events", [.. fields.Skip(1)], good))
            using (var response = await client.SendAsync(tampered)) { }
            using (var wrong = scenario.App.Signer.Form("/api/taskrouter/events", fields, forged))
            using (var response = await client.SendAsync(wrong)) { }

            // The plugin's calls with a forged, an expired and a valid Flex token (in the body and as a bearer token).
            flexTokens.Add("forged-" + Guid.NewGuid().ToString("N"));
            flexTokens.Add((await Remote.PostControlAsync("/_sandbox/flex-tokens", new { worker_sid = worker, realm_user_id = "alice@example.test", ttl_seconds = 0 })).GetProperty("token").GetString()!);
            flexTokens.Add((await Remote.PostControlAsync("/_sandbox/flex-tokens", new { worker_sid = worker, realm_user_id = "alice@example.test" })).GetProperty("token").GetString()!);
            foreach (var token in flexTokens)
            {
                using var inBody = new HttpRequestMessage(HttpMethod.Post, "/api/flex/tasks/selected") { Content = JsonContent.Create(new { taskSid, token }) };
                using var answer = await client.SendAsync(inBody);
                using var asBearer = new HttpRequestMessage(HttpMethod.Post, "/api/flex/tasks/selected") { Content = JsonContent.Create(new { taskSid }) };
                asBearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                using var bearerAnswer = await client.SendAsync(asBearer);
            }

            // Zendesk refusing our credentials once, and failing once: faults armed only once nothing else is in flight,
            // then a new caller's task whose first Zendesk calls meet them.
            await scenario.DrainAsync();
            await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "status", status = 401, count = 1 });
            await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "status", status = 500, count = 1 });
            var second = NewTaskSid();
            var secondAttributes = Attributes(new { from = "+14155550901" });
            await SeedTaskAsync(second, secondAttributes);
            await scenario.SendAsync("task.completed", second, secondAttributes);
            await scenario.DrainAsync();
        }

        // Storage down: the 503 path logs exception details.
        using var deadPort = new RefusingPort();
        var deadStorage = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DeadKey};QueueEndpoint=http://127.0.0.1:{deadPort.Port}/devstoreaccount1;";
        await using (var down = new FunctionsApp(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = deadStorage }, logs))
        {
            using var client = down.CreateClient();
            using var response = await client.SendAsync(down.Signer.Form("/api/taskrouter/events", TaskRouterSamples.Event("task.created")));
            Assert.That((int)response.StatusCode, Is.EqualTo(503));
        }

        var text = string.Join("\n", logs.Lines);
        // The scan means something only if the paths that handle secrets did log.
        Assert.That(text, Does.Contain("Created Zendesk ticket").And.Contain("Rejected a callback").And.Contain("A Flex token was refused")
            .And.Contain("HTTP 401").And.Contain("Storage unavailable"));
        var secrets = new Dictionary<string, string>
        {
            ["Twilio auth token"] = FunctionsApp.AuthToken,
            ["Zendesk API token"] = SandboxServer.ZendeskToken,
            ["Zendesk Basic credentials"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{SandboxServer.ZendeskEmail}/token:{SandboxServer.ZendeskToken}")),
            ["Twilio Basic credentials"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{FunctionsApp.AccountSid}:{FunctionsApp.AuthToken}")),
            ["storage account key"] = StorageKey().Match(TestEnvironment.StorageConnectionString).Groups[1].Value,
            ["dead storage key"] = DeadKey,
            ["sandbox control key"] = SandboxServer.ControlKey,
        };
        foreach (var (i, signature) in signatures.Index())
        {
            secrets[$"signature {i}"] = signature;
        }

        foreach (var (i, token) in flexTokens.Index())
        {
            secrets[$"Flex token {i}"] = token;
        }

        Assert.Multiple(() =>
        {
            foreach (var (name, secret) in secrets)
            {
                Assert.That(text.Contains(secret, StringComparison.Ordinal), Is.False, $"{name} appears in the logs");
            }
        });
    }

    private const string DeadKey = "ZGVhZC1zdG9yYWdlLWtleS1ub3QtcmVhbA==";

    [GeneratedRegex("AccountKey=([^;]+)")]
    private static partial Regex StorageKey();
}
