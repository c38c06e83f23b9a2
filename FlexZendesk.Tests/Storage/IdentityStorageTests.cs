using FlexZendesk.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Tests.Storage;

/// <summary>
/// In Azure the app holds no storage key: <c>AzureWebJobsStorage__accountName</c> (+ <c>__credential</c>,
/// <c>__clientId</c>) as the host reads it. These tests build the clients, which make no call until used.
/// </summary>
public sealed class IdentityStorageTests
{
    private static StorageOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new StorageOptions();
        StorageOptions.Bind(options, new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return options;
    }

    [Test]
    public void AccountNameAloneMeansAManagedIdentityOnTheAccountsEndpoints()
    {
        var options = Bind(new()
        {
            ["AzureWebJobsStorage:accountName"] = "stflexzendesk",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
        });
        var clients = new StorageClients(Options.Create(options));

        Assert.Multiple(() =>
        {
            Assert.That(options.UsesIdentity, Is.True);
            Assert.That(new StorageOptionsValidator().Validate(null, options).Succeeded, Is.True);
            Assert.That(clients.Queues.Uri, Is.EqualTo(new Uri("https://stflexzendesk.queue.core.windows.net/")));
            Assert.That(clients.Tables.Uri, Is.EqualTo(new Uri("https://stflexzendesk.table.core.windows.net/")));
            Assert.That(clients.Blobs.Uri, Is.EqualTo(new Uri("https://stflexzendesk.blob.core.windows.net/")));
            // Only a shared key can sign SAS: none is held.
            Assert.That(clients.Queues.CanGenerateAccountSasUri, Is.False);
            Assert.That(clients.Blobs.CanGenerateAccountSasUri, Is.False);
        });
    }

    [Test]
    public void ExplicitServiceUrisWin()
    {
        var options = Bind(new()
        {
            ["AzureWebJobsStorage:queueServiceUri"] = "https://q.example.test/",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://t.example.test/",
            ["AzureWebJobsStorage:blobServiceUri"] = "https://b.example.test/",
        });
        var clients = new StorageClients(Options.Create(options));
        Assert.Multiple(() =>
        {
            Assert.That(new StorageOptionsValidator().Validate(null, options).Succeeded, Is.True);
            Assert.That(clients.Queues.Uri, Is.EqualTo(new Uri("https://q.example.test/")));
            Assert.That(clients.Tables.Uri, Is.EqualTo(new Uri("https://t.example.test/")));
        });
    }

    [Test]
    public void TheConnectionStringFormStaysForAzurite()
    {
        var options = Bind(new() { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" });
        Assert.Multiple(() =>
        {
            Assert.That(options.UsesIdentity, Is.False);
            Assert.That(new StorageClients(Options.Create(options)).Queues.CanGenerateAccountSasUri, Is.True, "a shared key, as Azurite needs");
        });
    }

    [Test]
    public void NeitherFormFailsNamingBoth()
    {
        var result = new StorageOptionsValidator().Validate(null, Bind([]));
        Assert.That(result.FailureMessage, Does.Contain("AzureWebJobsStorage").And.Contain("accountName"));
    }
}
