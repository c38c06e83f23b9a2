using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Security;

/// <summary>No auth token, API token, storage key or signature ever reaches a log line, at any level.</summary>
public sealed partial class SecretsInLogsTests
{
    private const string PluginKey = "plugin-key-that-must-not-leak";

    [Test]
    public async Task AFullRunLogsNoSecret()
    {
        await Remote.ResetAsync();
        var logs = new CapturingLoggerProvider();
        var signatures = new List<string>();
        await using (var scenario = new FlexScenario(new Dictionary<string, string?> { ["Flex:PluginKey"] = PluginKey, ["Notes:Stages"] = "accepted,selected,completed" }, logs))
        {
            using var client = scenario.App.CreateClient();
            var taskSid = NewTaskSid();
            var attributes = Attributes(new { from = "+14155550900", zdCustomTags = "[a b]" });
            await SeedTaskAsync(taskSid, attributes);
            foreach (var eventType in new[] { "task.created", "reservation.accepted", "task.completed" })
            {
                await scenario.SendAsync(eventType, taskSid, attributes);
            }

            // Rejected callbacks: tampered, wrong token, missing header.
            var fields = TaskRouterSamples.Event("task.created");
            var good = scenario.App.Signer.Sign("/api/taskrouter/events", fields);
            var forged = new TwilioSigner("attacker-token", FunctionsApp.PublicBaseUrl).Sign("/api/taskrouter/events", fields);
            signatures.AddRange([good, forged]);
            using (var tampered = scenario.App.Signer.Form("/api/taskrouter/events", [.. fields.Skip(1)], good))
            using (var response = await client.SendAsync(tampered)) { }
            using (var wrong = scenario.App.Signer.Form("/api/taskrouter/events", fields, forged))
            using (var response = await client.SendAsync(wrong)) { }

            // A rejected and an accepted plugin call.
            foreach (var key in new[] { "wrong-" + PluginKey, PluginKey })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/flex/tasks/selected") { Content = JsonContent.Create(new { taskSid, workspaceSid = FunctionsApp.WorkspaceSid }) };
                request.Headers.Add("x-functions-key", key);
                using var response = await client.SendAsync(request);
            }

            // Zendesk refusing our credentials once, and failing once.
            await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "status", status = 401, count = 1 });
            await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "status", status = 500, count = 1 });
            await scenario.SendAsync("task.wrapup", taskSid, attributes);
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
        Assert.That(text, Does.Contain("Created Zendesk ticket").And.Contain("Rejected a callback").And.Contain("no valid plugin key")
            .And.Contain("HTTP 401").And.Contain("Storage unavailable"));
        var secrets = new Dictionary<string, string>
        {
            ["Twilio auth token"] = FunctionsApp.AuthToken,
            ["Zendesk API token"] = SandboxServer.ZendeskToken,
            ["Zendesk Basic credentials"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{SandboxServer.ZendeskEmail}/token:{SandboxServer.ZendeskToken}")),
            ["Twilio Basic credentials"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{FunctionsApp.AccountSid}:{FunctionsApp.AuthToken}")),
            ["storage account key"] = StorageKey().Match(TestEnvironment.StorageConnectionString).Groups[1].Value,
            ["dead storage key"] = DeadKey,
            ["plugin key"] = PluginKey,
            ["sandbox control key"] = SandboxServer.ControlKey,
        };
        foreach (var (i, signature) in signatures.Index())
        {
            secrets[$"signature {i}"] = signature;
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
