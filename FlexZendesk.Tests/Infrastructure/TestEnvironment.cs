namespace FlexZendesk.Tests;

using FlexZendesk.Tests.Infrastructure;

/// <summary>Starts the expensive shared infrastructure once for the whole run.</summary>
[SetUpFixture]
public sealed class TestEnvironment
{
    private static Azurite? _azurite;

    public static string StorageConnectionString =>
        _azurite?.ConnectionString ?? throw new InvalidOperationException("Azurite has not started.");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _azurite = new Azurite();
        await _azurite.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
