using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;

namespace FlexZendesk.DevTools;

/// <summary>
/// The soak benchmark (scripts/soak): many task lifecycles, shuffled, 20 % delivered twice, against the running app
/// while the sandbox injects 10 % 5xx, 5 % 429 and 2 % answers lost past the client timeout. Prints what came out.
/// </summary>
internal static class Soak
{
    public static async Task<int> RunAsync(DevSettings settings, int lifecycles, int concurrency)
    {
        using var sandbox = Lifecycles.Sandbox();
        var budget = int.Parse(Environment.GetEnvironmentVariable("Zendesk__RequestsPerMinute") ?? "200", CultureInfo.InvariantCulture);
        await Lifecycles.ResetAsync(sandbox, budget, budget);

        var workspace = settings.WorkspaceSid ?? SampleCallback.DefaultWorkspaceSid;
        var random = new Random(20261124);
        var deliveries = new List<Lifecycles.Delivery>();
        var tasks = new List<string>();
        for (var i = 0; i < lifecycles; i++)
        {
            var taskSid = Lifecycles.NewSid("WT");
            var attributes = $$"""{"from":"+1415{{(5550000 + (i % 500)).ToString(CultureInfo.InvariantCulture)}}","zd_ticket_id":"","zdCustomTags":"[soak t{{(i % 7).ToString(CultureInfo.InvariantCulture)}} ]"}""";
            await Lifecycles.SeedTaskAsync(sandbox, taskSid, workspace, attributes);
            tasks.Add(taskSid);
            foreach (var eventType in Lifecycles.Events)
            {
                var delivery = new Lifecycles.Delivery(taskSid, eventType, Lifecycles.NewSid("EV"), attributes);
                deliveries.Add(delivery);
                if (random.NextDouble() < 0.2)
                {
                    deliveries.Add(delivery);
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
        using var http = new HttpClient { BaseAddress = new Uri(settings.AppUrl) };
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(shuffled, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (d, ct) =>
            Lifecycles.Count(statuses, await Lifecycles.SendAsync(http, settings, workspace, d, ct)));
        var ingress = clock.Elapsed;
        Console.WriteLine($"soak: {lifecycles} lifecycles, {deliveries.Count} deliveries ({lifecycles * Lifecycles.Events.Length} distinct events) sent in {ingress.TotalSeconds:F1} s; answers {Lifecycles.Describe(statuses)}");

        // Wait for the effects: every lifecycle with its accepted and completed notes, or no progress for 2 minutes.
        var state = await Lifecycles.AwaitEffectsAsync(sandbox, tasks, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1));
        var drained = clock.Elapsed;
        (await sandbox.DeleteAsync("/_sandbox/faults")).EnsureSuccessStatusCode();
        state = (await sandbox.GetFromJsonAsync<JsonNode>("/_sandbox/state"))!;
        var poison = new QueueClient(settings.Storage, settings.Queue + "-poison");
        var poisoned = (await poison.ExistsAsync()).Value ? (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
        return Report(state, tasks, deliveries.Count, lifecycles * Lifecycles.Events.Length, drained, poisoned, budget);
    }

    private static int Report(JsonNode state, List<string> tasks, int deliveries, int events, TimeSpan elapsed, int poisoned, int budget)
    {
        var byTask = Lifecycles.TicketsByTask(state);
        var lost = tasks.Count(t => !byTask.TryGetValue(t, out var mine) || Lifecycles.Notes(mine, t, "accepted") == 0 || Lifecycles.Notes(mine, t, "completed") == 0);
        var duplicateTickets = byTask.Where(g => tasks.Contains(g.Key)).Sum(g => g.Value.Count - 1);
        var duplicateNotes = tasks.Sum(t => byTask.TryGetValue(t, out var mine) ? Math.Max(0, Lifecycles.Notes(mine, t, "accepted") - 1) + Math.Max(0, Lifecycles.Notes(mine, t, "completed") - 1) : 0);
        var requests = Lifecycles.ZendeskRequests(state);
        var statuses = requests.GroupBy(r => r.Status).Select(g => KeyValuePair.Create(g.Key, g.Count()));
        var maxMinute = Lifecycles.MaxPerSlidingMinute([.. requests.Select(r => r.At)]);

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
            | Zendesk answers | {Lifecycles.Describe(statuses)} |
            | max Zendesk requests in any 60 s vs budget | {maxMinute} / {budget} |
            """);
        return lost == 0 && duplicateTickets == 0 && duplicateNotes == 0 ? 0 : 1;
    }
}
