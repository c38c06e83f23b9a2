using System.Diagnostics;

namespace FlexZendesk.Tests.Infrastructure;

internal static class Scripts
{
    /// <summary>Runs <c>scripts/&lt;name&gt;</c> with bash; returns its exit code and its output (stdout then stderr).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string name, IEnumerable<string> args, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", name));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
