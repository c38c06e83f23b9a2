using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// A real Azurite (pinned in tools/azurite) on loopback, in-memory. Installed by scripts/test (npm ci); the tests
/// never fall back to a fake. It binds port 0 and reports the ports the OS gave it, so no port is picked in advance
/// (another process could take one between the pick and the bind); a restart binds the same ports again.
/// </summary>
internal sealed partial class Azurite : IAsyncDisposable
{
    // Azurite's published development account; not a secret, but still never printed.
    private const string Account = "devstoreaccount1";
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly string[] Services = ["Blob", "Queue", "Table"];
    private readonly int[] _ports = [0, 0, 0];
    private readonly string? _location;
    private Process? _process;

    /// <param name="persistent">Keep data on disk (a temp folder) so a stop and restart loses nothing.</param>
    public Azurite(bool persistent = false)
    {
        _location = persistent ? Directory.CreateTempSubdirectory("azurite-").FullName : null;
    }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={DevelopmentKey};" +
        $"BlobEndpoint=http://127.0.0.1:{_ports[0]}/{Account};" +
        $"QueueEndpoint=http://127.0.0.1:{_ports[1]}/{Account};" +
        $"TableEndpoint=http://127.0.0.1:{_ports[2]}/{Account};";

    public static string ScriptPath =>
        Environment.GetEnvironmentVariable("AZURITE_JS")
        ?? Path.Combine(RepoPaths.Root, "tools", "azurite", "node_modules", "azurite", "dist", "src", "azurite.js");

    public async Task StartAsync()
    {
        if (!File.Exists(ScriptPath))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {ScriptPath}. Run scripts/test (or: npm ci --prefix tools/azurite).");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = _location is null ? ["--inMemoryPersistence"] : ["--location", _location];
        foreach (var argument in new[]
                 {
                     ScriptPath, "--silent", "--disableTelemetry", "--skipApiVersionCheck", "--disableProductStyleUrl",
                     "--blobHost", "127.0.0.1", "--blobPort", $"{_ports[0]}",
                     "--queueHost", "127.0.0.1", "--queuePort", $"{_ports[1]}",
                     "--tableHost", "127.0.0.1", "--tablePort", $"{_ports[2]}",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in persistence)
        {
            start.ArgumentList.Add(argument);
        }

        var listening = Services.Select(_ => new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var process = _process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && Listening().Match(e.Data) is { Success: true } match)
            {
                listening[Array.IndexOf(Services, match.Groups["service"].Value)].TrySetResult(int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
            }
        };
        _process.Exited += (_, _) =>
        {
            foreach (var service in listening)
            {
                service.TrySetException(new InvalidOperationException($"Azurite exited with code {process.ExitCode} before it listened"));
            }
        };
        _process.EnableRaisingEvents = true;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                TestContext.Progress.WriteLine("azurite: " + e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var ports = await Task.WhenAll(listening.Select(l => l.Task)).WaitAsync(TimeSpan.FromSeconds(60));
        ports.CopyTo(_ports, 0);
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at https?://[^:]+:(?<port>\d+)")]
    private static partial Regex Listening();

    /// <summary>
    /// Stops the emulator (SIGTERM, so it flushes like a real service that acknowledged its writes; SIGKILL
    /// would lose Azurite's last unsaved writes, which Azure Storage never does); <see cref="StartAsync"/> brings
    /// it back on the same ports.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_location is not null)
        {
            try
            {
                Directory.Delete(_location, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder: best effort.
            }
        }
    }
}
