using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FlexZendesk.DevTools;

/// <summary>
/// The crash soak's fault: every <c>every</c>, SIGKILL one app instance of scripts/run (in turn), whatever it is doing,
/// and measure what it cost. scripts/run (FLEXZENDESK_RESTART=1) restarts it, as the platform would.
/// </summary>
/// <param name="settled">Tasks whose every delivery has been answered 204 (their events are all on the queue).</param>
internal sealed class Killer(TimeSpan every, HttpClient sandbox, Func<IReadOnlyCollection<string>> settled)
{
    private readonly string _directory = Environment.GetEnvironmentVariable("FLEXZENDESK_INSTANCES_DIR")
        ?? throw new InvalidOperationException("The crash soak needs scripts/run's instances (FLEXZENDESK_INSTANCES_DIR).");

    /// <param name="Restart">SIGKILL until the replacement answers /api/health.</param>
    /// <param name="Pending">Tasks whose events were all on the queue but whose effects were not all in Zendesk at the kill.</param>
    /// <param name="Recovery">SIGKILL until every one of those tasks had all its effects: what the kill delayed, at most.</param>
    public sealed record Kill(int Instance, double At, double Restart, int Pending, double Recovery);

    public List<Kill> Kills { get; } = [];

    /// <summary>Kills on a fixed cadence until <paramref name="stop"/>; each kill's recovery is watched alongside the next kills.</summary>
    public async Task RunAsync(Stopwatch clock, CancellationToken stop)
    {
        var files = Directory.GetFiles(_directory, "*.pid").Order(StringComparer.Ordinal).ToArray();
        using var health = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var watching = new List<Task<Kill>>();
        for (var n = 0; ; n++)
        {
            try
            {
                await Task.Delay(every, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var file = files[n % files.Length];
            var instance = int.Parse(Path.GetFileNameWithoutExtension(file), System.Globalization.CultureInfo.InvariantCulture);
            var pid = int.Parse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            var before = settled();
            var state = (await sandbox.GetFromJsonAsync<JsonNode>("/_sandbox/state", CancellationToken.None))!;
            var pending = before.Except(Lifecycles.CompleteTasks(state, before)).ToList();

            using (var victim = Process.GetProcessById(pid))
            {
                victim.Kill(); // SIGKILL on Linux: no shutdown, no finally blocks, no flush.
            }

            var at = clock.Elapsed;
            var restart = await RestartedAsync(file, pid, health, clock);
            watching.Add(RecoveryAsync(instance, pid, at, restart, pending, clock));
        }

        Kills.AddRange(await Task.WhenAll(watching));
    }

    private async Task<Kill> RecoveryAsync(int instance, int pid, TimeSpan at, TimeSpan restart, List<string> pending, Stopwatch clock)
    {
        var recovery = await RecoveredAsync(pending, clock);
        Console.WriteLine($"killed instance {instance} (pid {pid}) at {at.TotalSeconds:F1} s ({DateTime.UtcNow - (clock.Elapsed - at):HH:mm:ss.fff} UTC): restarted in {(restart - at).TotalSeconds:F1} s; {pending.Count} pending tasks complete {(recovery - at).TotalSeconds:F1} s after the kill{(pending.Count is > 0 and <= 3 ? $" ({string.Join(", ", pending)})" : "")}");
        return new(instance, at.TotalSeconds, (restart - at).TotalSeconds, pending.Count, (recovery - at).TotalSeconds);
    }

    private static async Task<TimeSpan> RestartedAsync(string file, int oldPid, HttpClient health, Stopwatch clock)
    {
        var url = Path.ChangeExtension(file, ".url");
        var deadline = clock.Elapsed + TimeSpan.FromMinutes(2);
        while (true)
        {
            await Task.Delay(100);
            if (clock.Elapsed > deadline)
            {
                throw new InvalidOperationException($"{file}: no instance answered /api/health within 2 minutes of the kill (is scripts/run restarting them? FLEXZENDESK_RESTART=1)");
            }

            // scripts/run removes the URL file before it restarts an instance and writes it once the new one listens.
            if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } pid && pid != oldPid.ToString(System.Globalization.CultureInfo.InvariantCulture)
                && File.Exists(url) && File.ReadAllText(url).Trim() is { Length: > 0 } listening)
            {
                try
                {
                    using var answer = await health.GetAsync(listening + "/api/health");
                    if (answer.IsSuccessStatusCode)
                    {
                        return clock.Elapsed;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // Not up yet, or busy catching up: ask again.
                }
            }
        }
    }

    private async Task<TimeSpan> RecoveredAsync(List<string> pending, Stopwatch clock)
    {
        while (pending.Count > 0)
        {
            var state = (await sandbox.GetFromJsonAsync<JsonNode>("/_sandbox/state"))!;
            if (Lifecycles.CompleteTasks(state, pending).Count == pending.Count)
            {
                break;
            }

            await Task.Delay(1000);
        }

        return clock.Elapsed;
    }
}
