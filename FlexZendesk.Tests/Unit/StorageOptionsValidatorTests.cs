using Azure.Storage.Queues;
using FlexZendesk.Core.Storage;

namespace FlexZendesk.UnitTests;

[Category("Unit")]
public sealed class StorageOptionsValidatorTests
{
    [TestCase("UseDevelopmentStorage=true")]
    [TestCase("DefaultEndpointsProtocol=https;AccountName=flexzd;AccountKey=ZmFrZS1rZXk=;EndpointSuffix=core.windows.net")]
    [TestCase("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=ZmFrZS1rZXk=;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;")]
    [TestCase("QueueEndpoint=https://flexzd.queue.core.windows.net/;SharedAccessSignature=sv=2024-01-01&sig=abc")]
    public void AcceptsWhatTheStorageSdkAccepts(string connectionString)
    {
        Assert.That(StorageOptionsValidator.IsWellFormed(connectionString), Is.True);
        Assert.DoesNotThrow(() => _ = new QueueServiceClient(connectionString));
    }

    [TestCase("UseDevelopmentStorage=false")]
    [TestCase("AccountName=flexzd")]
    [TestCase("AccountName=flexzd;AccountKey=not base64!")]
    [TestCase("AccountName=flexzd;AccountKey=ZmFrZS1rZXk=;Bogus")]
    [TestCase("AccountName=a;AccountName=b;AccountKey=ZmFrZS1rZXk=")]
    [TestCase("https://flexzd.queue.core.windows.net")]
    public void RejectsMalformedStrings(string connectionString) =>
        Assert.That(StorageOptionsValidator.IsWellFormed(connectionString), Is.False);

    [Test]
    public void FailureNamesTheSettingWithoutQuotingIt()
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { ConnectionString = "AccountName=x;AccountKey=c2VjcmV0;Bogus" });
        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("AzureWebJobsStorage").And.Not.Contain("c2VjcmV0"));
    }
}
