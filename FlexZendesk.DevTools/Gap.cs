using System.Diagnostics;
using System.Globalization;

namespace FlexZendesk.DevTools;

/// <summary>
/// The gap benchmark (scripts/gap): lifecycles while the webhook is up, then many while it is unreachable (TaskRouter
/// records the events; nothing reaches the app), then more with it up again. Reconciliation from the Events resource
/// must bring every ticket and note, exactly once. Prints how long that took after the webhook came back and how many
/// Twilio requests it used.
/// </summary>
internal static class Gap
{
    public static async Task<int> RunAsync(DevSettings settings, int lifecycles, int concurrency)
    {
        using var sandbox = Lifecycles.Sandbox();
        await Lifecycles.ResetAsync(sandbox, 0, 0);
        var workspace = settings.WorkspaceSid ?? throw new InvalidOperationException("Set Twilio__WorkspaceSid: the Events resource is read per workspace.");
        using var ingress = new Ingress(settings);
        var around = Math.Max(5, lifecycles / 10);
        var before = await EmitAsync(settings, sandbox, ingress, workspace, around, webhook: true, concurrency, first: 0);
        var clock = Stopwatch.StartNew();
        var gap = await EmitAsync(settings, sandbox, ingress, workspace, lifecycles, webhook: false, concurrency, first: around);
        var gapTime = clock.Elapsed;
        var after = await EmitAsync(settings, sandbox, ingress, workspace, around, webhook: true, concurrency, first: around + lifecycles);
        var back = clock.Elapsed;
        Console.WriteLine($"gap: {before.Count} lifecycles with the webhook up, {gap.Count} with it unreachable ({gapTime.TotalSeconds:F1} s), {after.Count} with it up again; {Lifecycles.Events.Length} events each, all recorded in the Events resource");

        List<string> all = [.. before, .. gap, .. after];
        var state = await Lifecycles.AwaitEffectsAsync(sandbox, all, TimeSpan.FromMinutes(3), TimeSpan.FromMilliseconds(500));
        var repaired = clock.Elapsed - back;
        var (lost, duplicateTickets, duplicateNotes) = Lifecycles.Outcome(state, all);
        var twilio = state["requests"]!.AsArray().Where(r => (string?)r!["api"] == "twilio").ToList();
        var eventReads = twilio.Count(r => ((string?)r!["path"])?.EndsWith("/Events", StringComparison.Ordinal) == true);
        var rejected = twilio.Count(r => ((string?)r!["path"])?.EndsWith("/Events", StringComparison.Ordinal) == true && (int)r!["status"]! != 200);

        Console.WriteLine();
        Console.WriteLine("| lifecycles missed by the webhook | repaired after the webhook came back (s) | Events resource reads | rejected reads | lost | duplicate tickets | duplicate notes |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {gap.Count} | {repaired.TotalSeconds:F1} | {eventReads} | {rejected} | {lost} | {duplicateTickets} | {duplicateNotes} |"));
        return lost == 0 && duplicateTickets == 0 && duplicateNotes == 0 && rejected == 0 ? 0 : 1;
    }

    private static async Task<List<string>> EmitAsync(DevSettings settings, HttpClient sandbox, Ingress ingress, string workspace, int count, bool webhook, int concurrency, int first)
    {
        var tasks = new List<string>();
        var deliveries = new List<Lifecycles.Delivery>();
        for (var i = first; i < first + count; i++)
        {
            var taskSid = Lifecycles.NewSid("WT");
            var attributes = $$"""{"from":"+1415{{(5560000 + i).ToString(CultureInfo.InvariantCulture)}}","zd_ticket_id":"","zdCustomTags":"[gap]"}""";
            await Lifecycles.SeedTaskAsync(sandbox, taskSid, workspace, attributes);
            tasks.Add(taskSid);
            deliveries.AddRange(Lifecycles.Events.Select(e => new Lifecycles.Delivery(taskSid, e, Lifecycles.NewSid("EV"), attributes)));
        }

        // Per task in order, as TaskRouter emits them; tasks side by side.
        await Parallel.ForEachAsync(deliveries.GroupBy(d => d.Task), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (task, ct) =>
        {
            foreach (var delivery in task)
            {
                await Lifecycles.RecordAsync(sandbox, settings, workspace, delivery, ct);
                if (webhook && await ingress.SendAsync(workspace, delivery, ct) is not System.Net.HttpStatusCode.NoContent and var status)
                {
                    throw new InvalidOperationException($"the webhook answered {(int)status}");
                }
            }
        });
        return tasks;
    }
}
