using System.Diagnostics;

namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// A real Azurite (pinned in tools/azurite) on free loopback ports, in-memory. Installed by scripts/test
/// (npm ci); the tests never fall back to a fake.
/// </summary>
internal sealed class Azurite : IAsyncDisposable
{
    // Azurite's published development account; not a secret, but still never printed.
    private const string Account = "devstoreaccount1";
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly int[] _ports = FreePorts.Take(3);
    private Process? _process;

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
        foreach (var argument in new[]
                 {
                     ScriptPath, "--silent", "--disableTelemetry", "--inMemoryPersistence", "--skipApiVersionCheck", "--disableProductStyleUrl",
                     "--blobHost", "127.0.0.1", "--blobPort", $"{_ports[0]}",
                     "--queueHost", "127.0.0.1", "--queuePort", $"{_ports[1]}",
                     "--tableHost", "127.0.0.1", "--tablePort", $"{_ports[2]}",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                TestContext.Progress.WriteLine("azurite: " + e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        foreach (var port in _ports)
        {
            await FreePorts.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), () => _process.HasExited);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }
}
