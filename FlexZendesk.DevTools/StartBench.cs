using System.Diagnostics;
using System.Globalization;

namespace FlexZendesk.DevTools;

/// <summary>
/// The cold-start benchmark (scripts/bench-start): starts the no-host runner on port 0 without its queue listener
/// (<c>Queues__Listen=false</c>), reads the bound address from its "Now listening on" line, polls <c>GET /</c> every
/// millisecond until it answers, timing from the moment of exec, and reads the process's resident memory after a
/// second at idle. Repeats and prints the medians.
/// </summary>
internal static class StartBench
{
    public static async Task<int> RunAsync(string label, string executable, string? argument, int runs)
    {
        var ready = new List<double>();
        var rss = new List<double>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        for (var run = 0; run < runs; run++)
        {
            var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
            if (argument is not null)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
            start.Environment["Queues__Listen"] = "false";
            var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data?.Split("Now listening on: ") is [_, var url])
                {
                    address.TrySetResult(url.Trim());
                }
            };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                while (true)
                {
                    if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
                    {
                        Console.Error.WriteLine($"start: {label} exited or never answered (exit {(process.HasExited ? process.ExitCode : -1)})");
                        return 1;
                    }

                    if (!address.Task.IsCompleted)
                    {
                        await Task.Delay(1);
                        continue;
                    }

                    try
                    {
                        using var response = await http.GetAsync(new Uri(await address.Task + "/"));
                        if (response.IsSuccessStatusCode)
                        {
                            break;
                        }
                    }
                    catch (HttpRequestException)
                    {
                    }

                    await Task.Delay(1);
                }

                ready.Add(clock.Elapsed.TotalMilliseconds);
                await Task.Delay(1000);
                rss.Add(ResidentMiB(process.Id));
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        ready.Sort();
        rss.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {runs} | {ready[runs / 2]:F0} | {ready[0]:F0} | {ready[^1]:F0} | {rss[runs / 2]:F1} |"));
        return 0;
    }

    /// <summary>VmRSS from /proc, in MiB.</summary>
    private static double ResidentMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
