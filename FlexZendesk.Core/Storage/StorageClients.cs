using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Storage;

/// <summary>
/// One set of storage clients per process (they pool connections). Built on first use so start-up does no
/// I/O. Retries are short: a webhook must answer Twilio within 10-15 s, and a 503 lets Twilio retry instead.
/// </summary>
public sealed class StorageClients(IOptions<StorageOptions> options)
{
    private readonly Lazy<QueueServiceClient> _queues = new(() => new QueueServiceClient(
        options.Value.ConnectionString,
        Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 })));

    private readonly Lazy<BlobServiceClient> _blobs = new(() => new BlobServiceClient(
        options.Value.ConnectionString,
        Configure(new BlobClientOptions())));

    public QueueServiceClient Queues => _queues.Value;

    /// <summary>For the table clients, which take the same connection string.</summary>
    public string ConnectionString => options.Value.ConnectionString;

    public BlobServiceClient Blobs => _blobs.Value;

    private static T Configure<T>(T clientOptions) where T : ClientOptions
    {
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(100);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(2.5);
        clientOptions.Diagnostics.IsLoggingEnabled = false;
        clientOptions.Diagnostics.IsTelemetryEnabled = false;
        return clientOptions;
    }
}
