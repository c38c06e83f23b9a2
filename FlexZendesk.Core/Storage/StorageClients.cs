using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Storage;

/// <summary>
/// One set of storage clients per process (they pool connections), from a connection string or, with no key at all,
/// a token credential (<see cref="StorageOptions.UsesIdentity"/>). Built on first use so start-up does no I/O. Retries
/// are short: a webhook must answer Twilio within 10-15 s, and a 503 lets Twilio retry instead.
/// </summary>
public sealed class StorageClients(IOptions<StorageOptions> options)
{
    private readonly Lazy<TokenCredential?> _credential = new(() => Credential(options.Value));
    private readonly Lazy<QueueServiceClient> _queues = new(() => Queue(options.Value, QueueMessageEncoding.Base64, null));
    private readonly Lazy<BlobServiceClient> _blobs = new(() => options.Value.UsesIdentity
        ? new BlobServiceClient(options.Value.Endpoint("blob"), Credential(options.Value), Configure(new BlobClientOptions()))
        : new BlobServiceClient(options.Value.ConnectionString, Configure(new BlobClientOptions())));

    private readonly Lazy<TableServiceClient> _tables = new(() => options.Value.UsesIdentity
        ? new TableServiceClient(options.Value.Endpoint("table"), Credential(options.Value), Configure(new TableClientOptions()))
        : new TableServiceClient(options.Value.ConnectionString, Configure(new TableClientOptions())));

    /// <summary>Queues with base64 messages, the Functions queue trigger's default encoding.</summary>
    public QueueServiceClient Queues => _queues.Value;

    public BlobServiceClient Blobs => _blobs.Value;

    public TableServiceClient Tables => _tables.Value;

    /// <summary>Queues with the given message encoding (host.json's <c>messageEncoding</c> may say <c>none</c>).</summary>
    public QueueServiceClient QueuesEncoded(QueueMessageEncoding encoding) =>
        encoding == QueueMessageEncoding.Base64 ? Queues : Queue(options.Value, encoding, _credential.Value);

    private static QueueServiceClient Queue(StorageOptions storage, QueueMessageEncoding encoding, TokenCredential? credential)
    {
        var clientOptions = Configure(new QueueClientOptions { MessageEncoding = encoding });
        return storage.UsesIdentity
            ? new QueueServiceClient(storage.Endpoint("queue"), credential ?? Credential(storage)!, clientOptions)
            : new QueueServiceClient(storage.ConnectionString, clientOptions);
    }

    /// <summary>As the host reads the setting: <c>managedidentity</c> (with <c>clientId</c> for a user-assigned one), else the default chain.</summary>
    private static TokenCredential? Credential(StorageOptions storage) =>
        !storage.UsesIdentity ? null
        : string.Equals(storage.Credential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrEmpty(storage.ClientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(storage.ClientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = storage.ClientId });

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
