using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FlexZendesk.DevTools;

/// <summary>
/// Select → pop (scripts/bench-select): an agent holds several accepted calls (ticket made, popped once on accept) and
/// switches between them in the Flex UI, as the plugin reports it (<c>POST /api/flex/tasks/selected</c> with the
/// agent's Flex token, the sandbox answering at once). For each select: the time from sending it to the sandbox's
/// record of the pop, and to the app's answer. The first selects include the token's validation and the ledger reads.
/// </summary>
internal static class SelectBench
{
    public static async Task<int> RunAsync(DevSettings settings, int tasks, int selects)
    {
        using var sandbox = Lifecycles.Sandbox();
        await Lifecycles.ResetAsync(sandbox, 100_000, 100_000);
        var workspace = settings.WorkspaceSid ?? SampleCallback.DefaultWorkspaceSid;
        var worker = new Lifecycles.Worker(Lifecycles.NewSid("WK"), "Bench agent", $"bench-select-{Guid.NewGuid():N}@example.test");
        (await sandbox.PostAsJsonAsync("/_sandbox/users", new { name = worker.Name, email = worker.Email, role = "agent", online = true })).EnsureSuccessStatusCode();
        var token = (string)(await (await sandbox.PostAsJsonAsync("/_sandbox/flex-tokens", new { worker_sid = worker.Sid, realm_user_id = worker.Email })).Content.ReadFromJsonAsync<JsonNode>())!["token"]!;

        // The agent's calls, accepted: each gets its ticket and its accept pop.
        var taskSids = new List<string>();
        using (var ingress = new Ingress(settings))
        {
            for (var i = 0; i < tasks; i++)
            {
                var taskSid = Lifecycles.NewSid("WT");
                var attributes = $$"""{"from":"+1627{{i.ToString("D7", CultureInfo.InvariantCulture)}}","channelType":"voice"}""";
                await Lifecycles.SeedTaskAsync(sandbox, taskSid, workspace, attributes);
                await ingress.SendAsync(workspace, new(taskSid, "reservation.accepted", Lifecycles.NewSid("EV"), attributes, worker), CancellationToken.None);
                taskSids.Add(taskSid);
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await PopCountAsync(sandbox) < tasks)
        {
            if (DateTime.UtcNow > deadline)
            {
                Console.Error.WriteLine("bench-select: the accepted calls were not all popped within 60 s");
                return 1;
            }

            await Task.Delay(100);
        }

        using var app = new HttpClient { BaseAddress = new Uri(settings.AppUrl) };
        var sent = new List<(DateTimeOffset At, double AnswerMs, int Status)>();
        for (var i = 0; i < selects; i++)
        {
            var at = DateTimeOffset.UtcNow;
            var clock = Stopwatch.StartNew();
            using var response = await app.PostAsJsonAsync("/api/flex/tasks/selected", new { taskSid = taskSids[i % tasks], token });
            sent.Add((at, clock.Elapsed.TotalMilliseconds, (int)response.StatusCode));
        }

        var state = (await sandbox.GetFromJsonAsync<JsonNode>("/_sandbox/state"))!;
        var pops = state["pops"]!.AsArray().Select(p => DateTimeOffset.Parse((string)p!["at"]!, CultureInfo.InvariantCulture)).Order().Skip(tasks).ToList();
        var toPop = sent.Zip(pops, (s, p) => (p - s.At).TotalMilliseconds).Order().ToList();
        var answers = sent.Select(s => s.AnswerMs).Order().ToList();
        var refused = sent.Count(s => s.Status != 202);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            select → pop: one agent switching between {tasks} accepted calls, {selects} selects one after another (the sandbox answering at once)

            | measure | p50 ms | p99 ms | max ms |
            |---|---:|---:|---:|
            | select sent → pop recorded by Zendesk (sandbox) | {Percentile(toPop, 0.5):F1} | {Percentile(toPop, 0.99):F1} | {toPop.LastOrDefault():F1} |
            | select sent → app's answer | {Percentile(answers, 0.5):F1} | {Percentile(answers, 0.99):F1} | {answers.LastOrDefault():F1} |

            pops for the selects: {pops.Count}/{selects}; answers other than 202: {refused}
            """));
        return pops.Count == selects && refused == 0 ? 0 : 1;
    }

    private static async Task<int> PopCountAsync(HttpClient sandbox) =>
        (await sandbox.GetFromJsonAsync<JsonNode>("/_sandbox/state"))!["pops"]!.AsArray().Count;

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : IngressBench.Percentile([.. sorted], p);
}
