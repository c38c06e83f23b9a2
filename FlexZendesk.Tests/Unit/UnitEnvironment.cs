using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.UnitTests;

/// <summary>
/// The unit tier's one piece of infrastructure: an Azurite for the task ledger (the product's ledger is an Azure Table,
/// and the tests keep it real), started on first use, so tests that need no ledger start nothing.
/// </summary>
[SetUpFixture]
public sealed class UnitEnvironment
{
    private static readonly Lazy<Task<Azurite>> Storage = new(async () =>
    {
        var azurite = new Azurite();
        await azurite.StartAsync();
        return azurite;
    });

    internal static async Task<string> StorageConnectionStringAsync() => (await Storage.Value).ConnectionString;

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (Storage.IsValueCreated)
        {
            await (await Storage.Value).DisposeAsync();
        }
    }
}
