namespace FlexZendesk.Tests;

using FlexZendesk.Tests.Infrastructure;

/// <summary>Starts the expensive shared infrastructure once for the whole run.</summary>
[SetUpFixture]
public sealed class TestEnvironment
{
    private static Azurite? _azurite;
    private static SandboxServer? _sandbox;

    internal static SandboxServer Sandbox =>
        _sandbox ?? throw new InvalidOperationException("The sandbox has not started.");

    public static string StorageConnectionString =>
        _azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite has not started.");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _azurite = new Azurite();
        var storage = _azurite.StartAsync();
        _sandbox = await SandboxServer.StartAsync();
        await storage;
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await SharedApps.StopAllAsync();
        var results = Path.Combine(RepoPaths.Root, "artifacts", "test-results");
        Directory.CreateDirectory(results);
        // One file per test process (scripts/test may run two at once); scripts/test adds them up.
        await File.WriteAllTextAsync(Path.Combine(results, $"apps-started-{Environment.ProcessId}.txt"), FunctionsApp.Started.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Contracts.VendorTraffic.Write(results);
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
