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
/// SOAK_RATE paces the deliveries (per second; unset: as fast as the app answers); SOAK_KILL_EVERY (seconds) adds
/// the crash soak: one of scripts/run's instances SIGKILLed in turn, each kill's restart and recovery reported.
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

        var rate = Number("SOAK_RATE");
        var killEvery = Number("SOAK_KILL_EVERY");
        var expected = deliveries.GroupBy(d => d.Task).ToDictionary(g => g.Key, g => g.Count());
        var answered = new ConcurrentDictionary<string, int>();
        var settled = new ConcurrentQueue<string>();
        var killer = killEvery > 0 ? new Killer(TimeSpan.FromSeconds(killEvery), sandbox, () => [.. settled]) : null;
        using var stopKilling = new CancellationTokenSource();

        var clock = Stopwatch.StartNew();
        var killing = killer?.RunAsync(clock, stopKilling.Token) ?? Task.CompletedTask;
        using var ingress = new Ingress(settings);
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(shuffled.Select((d, i) => (Delivery: d, Index: i)), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, ct) =>
        {
            if (rate > 0 && TimeSpan.FromSeconds(item.Index / rate) - clock.Elapsed is { Ticks: > 0 } early)
            {
                await Task.Delay(early, ct);
            }

            Lifecycles.Count(statuses, await ingress.SendAsync(workspace, item.Delivery, ct));
            if (answered.AddOrUpdate(item.Delivery.Task, 1, (_, n) => n + 1) == expected[item.Delivery.Task])
            {
                settled.Enqueue(item.Delivery.Task);
            }
        });
        var sent = clock.Elapsed;
        Console.WriteLine($"soak: {lifecycles} lifecycles, {deliveries.Count} deliveries ({lifecycles * Lifecycles.Events.Length} distinct events) sent in {sent.TotalSeconds:F1} s{(rate > 0 ? $" (paced at {rate:F0}/s)" : "")} to {ingress.Instances} instance(s); answers {Lifecycles.Describe(statuses)}; {ingress.Failovers} sent again to another instance after no answer");

        // Wait for the effects: every lifecycle with its accepted and completed notes, or no progress for 2 minutes.
        var state = await Lifecycles.AwaitEffectsAsync(sandbox, tasks, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(1));
        var drained = clock.Elapsed;
        await stopKilling.CancelAsync();
        await killing;
        if (killer is not null)
        {
            Console.WriteLine($"\ncrash soak: SIGKILL every {killEvery:F0} s, {killer.Kills.Count} kills\n");
            Console.WriteLine("| kill | instance | at s | restarted after s | tasks pending at the kill | all of them complete after s |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
            foreach (var (k, i) in killer.Kills.Select((k, i) => (k, i + 1)))
            {
                Console.WriteLine($"| {i} | {k.Instance} | {k.At:F1} | {k.Restart:F1} | {k.Pending} | {k.Recovery:F1} |");
            }
        }
        (await sandbox.DeleteAsync("/_sandbox/faults")).EnsureSuccessStatusCode();
        state = (await sandbox.GetFromJsonAsync<JsonNode>("/_sandbox/state"))!;
        var poison = new QueueClient(settings.Storage, settings.Queue + "-poison");
        var poisoned = (await poison.ExistsAsync()).Value ? (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
        return Report(state, tasks, deliveries.Count, lifecycles * Lifecycles.Events.Length, drained, poisoned, budget);
    }

    private static double Number(string name) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static int Report(JsonNode state, List<string> tasks, int deliveries, int events, TimeSpan elapsed, int poisoned, int budget)
    {
        var (lost, duplicateTickets, duplicateNotes) = Lifecycles.Outcome(state, tasks);
        var complete = Lifecycles.CompleteTasks(state, tasks);
        foreach (var task in tasks.Where(t => !complete.Contains(t)))
        {
            Console.WriteLine($"incomplete: {task}");
        }
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
