using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FlexZendesk.DevTools;

/// <summary>
/// The latency benchmark (scripts/bench-latency). <c>load</c>: task lifecycles paced to a steady rate of events per
/// second (a lifecycle's five events 1 s apart, lifecycles started evenly), new callers, the sandbox answering at
/// once; event-to-effect latency of the stage notes (from the 204 of the note's event to the sandbox storing the
/// comment). <c>idle</c>: single lifecycles, each after the app sat idle, so the listener's polling has backed off.
/// </summary>
internal static class LatencyBench
{
    private static readonly TimeSpan EventSpacing = TimeSpan.FromSeconds(1);

    public static async Task<int> LoadAsync(DevSettings settings, int rate, int seconds, string label)
    {
        using var sandbox = Lifecycles.Sandbox();
        await Lifecycles.ResetAsync(sandbox, 0, 0);
        var workspace = settings.WorkspaceSid ?? SampleCallback.DefaultWorkspaceSid;
        var perSecond = rate / (double)Lifecycles.Events.Length;
        var lifecycles = Math.Max(1, (int)(perSecond * seconds));
        var batch = await SeedAsync(sandbox, workspace, lifecycles, "+1631");

        // Event j of lifecycle k is due at k / perSecond + j s: a steady `rate` events per second once all are running.
        var schedule = batch
            .SelectMany((lifecycle, k) => Lifecycles.Events.Select((e, j) => (Due: TimeSpan.FromSeconds(k / perSecond) + (j * EventSpacing), lifecycle.Task, lifecycle.Attributes, Event: e)))
            .OrderBy(s => s.Due)
            .ToList();
        using var ingress = new Ingress(settings);
        var sent = new ConcurrentDictionary<(string Task, string Stage), DateTimeOffset>();
        var late = new ConcurrentBag<double>();
        var answers = new ConcurrentDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(schedule, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (item, ct) =>
        {
            if (item.Due - clock.Elapsed is { Ticks: > 0 } early)
            {
                await Task.Delay(early, ct);
            }

            late.Add((clock.Elapsed - item.Due).TotalMilliseconds);
            Lifecycles.Count(answers, await ingress.SendAsync(workspace, new(item.Task, item.Event, Lifecycles.NewSid("EV"), item.Attributes), ct));
            if (Stage(item.Event) is { } stage)
            {
                sent.TryAdd((item.Task, stage), DateTimeOffset.UtcNow);
            }
        });
        var sending = clock.Elapsed;
        var state = await Lifecycles.AwaitEffectsAsync(sandbox, [.. batch.Select(b => b.Task)], TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(250));
        var latencies = E2eBench.Latencies(state, sent);
        var (lost, duplicateTickets, duplicateNotes) = Lifecycles.Outcome(state, [.. batch.Select(b => b.Task)]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {schedule.Count / sending.TotalSeconds:F1} | {Percentile(late, 0.99):F0} | {latencies.Count} | {Percentile(latencies, 0.5):F0} | {Percentile(latencies, 0.9):F0} | {Percentile(latencies, 0.99):F0} | {latencies.LastOrDefault():F0} | {lost} / {duplicateTickets} / {duplicateNotes} | {Lifecycles.Describe(answers)} |"));
        return lost + duplicateTickets + duplicateNotes == 0 && answers.Keys.All(k => k == 204) ? 0 : 1;
    }

    public static async Task<int> IdleAsync(DevSettings settings, int probes, TimeSpan idle, string label)
    {
        using var sandbox = Lifecycles.Sandbox();
        await Lifecycles.ResetAsync(sandbox, 0, 0);
        var workspace = settings.WorkspaceSid ?? SampleCallback.DefaultWorkspaceSid;
        var batch = await SeedAsync(sandbox, workspace, probes, "+1632");
        using var ingress = new Ingress(settings);
        var latencies = new List<double>();
        foreach (var (task, attributes) in batch)
        {
            await Task.Delay(idle);
            // Only the accepted event: its note is the effect, and nothing else keeps the listener busy.
            var status = await ingress.SendAsync(workspace, new(task, "reservation.accepted", Lifecycles.NewSid("EV"), attributes), CancellationToken.None);
            var at = DateTimeOffset.UtcNow;
            if (status != System.Net.HttpStatusCode.NoContent)
            {
                return 1;
            }

            latencies.Add(await EffectAsync(sandbox, task, "accepted") is { } done ? (done - at).TotalMilliseconds : double.NaN);
        }

        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {probes} | {idle.TotalSeconds:F0} | {Percentile(latencies, 0.5):F0} | {latencies.Max():F0} |"));
        return latencies.Any(double.IsNaN) ? 1 : 0;
    }

    private static string? Stage(string eventType) => eventType switch { "reservation.accepted" => "accepted", "task.completed" => "completed", _ => null };

    private static async Task<List<(string Task, string Attributes)>> SeedAsync(HttpClient sandbox, string workspace, int count, string prefix)
    {
        var batch = new List<(string Task, string Attributes)>();
        for (var i = 0; i < count; i++)
        {
            var taskSid = Lifecycles.NewSid("WT");
            var attributes = $$"""{"from":"{{prefix}}{{i.ToString("D7", CultureInfo.InvariantCulture)}}","zd_ticket_id":"","zdCustomTags":"[bench latency]"}""";
            await Lifecycles.SeedTaskAsync(sandbox, taskSid, workspace, attributes);
            batch.Add((taskSid, attributes));
        }

        return batch;
    }

    /// <summary>When the sandbox stored the task's note for the stage, polling its state; null after 30 s.</summary>
    private static async Task<DateTimeOffset?> EffectAsync(HttpClient sandbox, string task, string stage)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var state = (await sandbox.GetFromJsonAsync<JsonNode>("/_sandbox/state"))!;
            if (Lifecycles.NoteComments(state["tickets"]!.AsArray(), task, stage).FirstOrDefault() is { } comment)
            {
                return DateTimeOffset.Parse((string)comment["created_at"]!, CultureInfo.InvariantCulture);
            }

            await Task.Delay(50);
        }

        return null;
    }

    private static double Percentile(IEnumerable<double> values, double p) => IngressBench.Percentile([.. values.Order()], p);
}
