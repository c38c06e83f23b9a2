using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using FlexZendesk.Core.Twilio;

namespace FlexZendesk.DevTools;

/// <summary>
/// The soak benchmark (scripts/soak): many task lifecycles, shuffled, 20 % delivered twice, against the running app
/// while the sandbox injects 10 % 5xx, 5 % 429 and 2 % answers lost past the client timeout. Prints what came out.
/// </summary>
internal static class Soak
{
    private static readonly string[] Lifecycle = ["task.created", "reservation.accepted", "reservation.wrapup", "task.wrapup", "task.completed"];

    public static async Task<int> RunAsync(DevSettings settings, int lifecycles, int concurrency)
    {
        using var sandbox = new HttpClient { BaseAddress = new Uri(Environment.GetEnvironmentVariable("FLEXZENDESK_SANDBOX_URL")!) };
        sandbox.DefaultRequestHeaders.Add("X-Sandbox-Key", Environment.GetEnvironmentVariable("Sandbox__ControlKey")!);
        var budget = int.Parse(Environment.GetEnvironmentVariable("Zendesk__RequestsPerMinute") ?? "200", CultureInfo.InvariantCulture);
        (await sandbox.PostAsync("/_sandbox/reset", null)).EnsureSuccessStatusCode();
        (await sandbox.PostAsJsonAsync("/_sandbox/limits", new { requests_per_minute = budget, ticket_updates_per_minute = budget })).EnsureSuccessStatusCode();

        var workspace = settings.WorkspaceSid ?? SampleCallback.DefaultWorkspaceSid;
        var random = new Random(20261124);
        var deliveries = new List<(string Task, string Event, string Sid, string Attributes)>();
        var tasks = new List<string>();
        for (var i = 0; i < lifecycles; i++)
        {
            var taskSid = "WT" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            var attributes = $$"""{"from":"+1415{{(5550000 + (i % 500)).ToString(CultureInfo.InvariantCulture)}}","zd_ticket_id":"","zdCustomTags":"[soak t{{(i % 7).ToString(CultureInfo.InvariantCulture)}} ]"}""";
            (await sandbox.PostAsJsonAsync("/_sandbox/tasks", new { sid = taskSid, workspace_sid = workspace, attributes })).EnsureSuccessStatusCode();
            tasks.Add(taskSid);
            foreach (var eventType in Lifecycle)
            {
                var sid = "EV" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
                deliveries.Add((taskSid, eventType, sid, attributes));
                if (random.NextDouble() < 0.2)
                {
                    deliveries.Add((taskSid, eventType, sid, attributes));
                }
            }
        }

        var shuffled = deliveries.OrderBy(_ => random.Next()).ToList();
        foreach (var fault in new object[]
                 {
                     new { api = "zendesk", mode = "status", status = 500, probability = 0.10 },
                     new { api = "zendesk", mode = "status", status = 429, retry_after_seconds = 2, probability = 0.05 },
                     new { api = "zendesk", mode = "delay", after = true, delay_ms = 2500, probability = 0.02 },
                 })
        {
            (await sandbox.PostAsJsonAsync("/_sandbox/faults", fault)).EnsureSuccessStatusCode();
        }

        var clock = Stopwatch.StartNew();
        var signer = new TwilioSignature(settings.AuthToken);
        using var http = new HttpClient { BaseAddress = new Uri(settings.AppUrl) };
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(shuffled, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (d, ct) =>
        {
            List<KeyValuePair<string, string>> fields =
            [
                new("EventType", d.Event), new("AccountSid", settings.AccountSid), new("WorkspaceSid", workspace), new("Sid", d.Sid),
                new("TaskSid", d.Task), new("TaskAttributes", d.Attributes), new("TaskChannelUniqueName", "voice"), new("TaskQueueName", "Soak"),
            ];
            var signature = signer.Compute(settings.PublicBaseUrl.TrimEnd('/') + "/api/taskrouter/events", fields);
            for (var attempt = 0; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/taskrouter/events") { Content = new FormUrlEncodedContent(fields) };
                request.Headers.Add("X-Twilio-Signature", signature);
                using var response = await http.SendAsync(request, ct);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt >= 3)
                {
                    break;
                }
            }
        });
        var ingress = clock.Elapsed;
        Console.WriteLine($"soak: {lifecycles} lifecycles, {deliveries.Count} deliveries ({lifecycles * Lifecycle.Length} distinct events) sent in {ingress.TotalSeconds:F1} s; answers {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}"))}");

        // Wait for the effects: every lifecycle with its accepted and completed notes, or no progress for 2 minutes.
        var done = 0;
        var lastProgress = Stopwatch.StartNew();
        JsonNode? state = null;
        while (lastProgress.Elapsed < TimeSpan.FromMinutes(2))
        {
            state = await sandbox.GetFromJsonAsync<JsonNode>("/_sandbox/state");
            var now = Complete(state!, tasks);
            if (now != done)
            {
                done = now;
                lastProgress.Restart();
            }

            if (done == tasks.Count)
            {
                break;
            }

            await Task.Delay(1000);
        }

        var drained = clock.Elapsed;
        (await sandbox.DeleteAsync("/_sandbox/faults")).EnsureSuccessStatusCode();
        state = await sandbox.GetFromJsonAsync<JsonNode>("/_sandbox/state");
        var poison = new QueueClient(settings.Storage, settings.Queue + "-poison");
        var poisoned = (await poison.ExistsAsync()).Value ? (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
        return Report(state!, tasks, deliveries.Count, lifecycles * Lifecycle.Length, drained, poisoned, budget);
    }

    private static int Complete(JsonNode state, List<string> tasks)
    {
        var tickets = state["tickets"]!.AsArray();
        var byTask = tickets.GroupBy(t => (string?)t!["external_id"] ?? "").ToDictionary(g => g.Key, g => g.ToList());
        return tasks.Count(t => byTask.TryGetValue(t, out var mine) && Notes(mine, t, "accepted") >= 1 && Notes(mine, t, "completed") >= 1);
    }

    private static int Notes(List<JsonNode?> tickets, string taskSid, string stage) =>
        tickets.Sum(t => t!["comments"]!.AsArray().Count(c => ((string?)c!["body"])?.Contains($"[FlexZendesk {taskSid} {stage}]", StringComparison.Ordinal) == true));

    private static int Report(JsonNode state, List<string> tasks, int deliveries, int events, TimeSpan elapsed, int poisoned, int budget)
    {
        var tickets = state["tickets"]!.AsArray();
        var byTask = tickets.GroupBy(t => (string?)t!["external_id"] ?? "").ToDictionary(g => g.Key, g => g.ToList());
        var lost = tasks.Count(t => !byTask.TryGetValue(t, out var mine) || Notes(mine, t, "accepted") == 0 || Notes(mine, t, "completed") == 0);
        var duplicateTickets = byTask.Where(g => tasks.Contains(g.Key)).Sum(g => g.Value.Count - 1);
        var duplicateNotes = tasks.Sum(t => byTask.TryGetValue(t, out var mine) ? Math.Max(0, Notes(mine, t, "accepted") - 1) + Math.Max(0, Notes(mine, t, "completed") - 1) : 0);
        var times = state["requests"]!.AsArray().Where(r => (string?)r!["api"] == "zendesk").Select(r => DateTimeOffset.Parse((string)r!["at"]!, CultureInfo.InvariantCulture)).Order().ToList();
        var statuses = state["requests"]!.AsArray().Where(r => (string?)r!["api"] == "zendesk").GroupBy(r => (int)r!["status"]!).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}");
        int maxMinute = 0, start = 0;
        for (var end = 0; end < times.Count; end++)
        {
            while (times[end] - times[start] >= TimeSpan.FromMinutes(1))
            {
                start++;
            }

            maxMinute = Math.Max(maxMinute, end - start + 1);
        }

        Console.WriteLine($"""

            | measure | value |
            |---|---|
            | lifecycles | {tasks.Count} |
            | events in (distinct / deliveries incl. duplicates) | {events} / {deliveries} |
            | drain time (first send to all effects) | {elapsed.TotalSeconds:F1} s |
            | events/s (distinct events / drain time) | {events / elapsed.TotalSeconds:F1} |
            | lost (lifecycle without its ticket or a note) | {lost} |
            | duplicate tickets | {duplicateTickets} |
            | duplicate notes | {duplicateNotes} |
            | poison messages | {poisoned} |
            | Zendesk answers | {string.Join(", ", statuses)} |
            | max Zendesk requests in any 60 s vs budget | {maxMinute} / {budget} |
            """);
        return lost == 0 && duplicateTickets == 0 && duplicateNotes == 0 ? 0 : 1;
    }
}
