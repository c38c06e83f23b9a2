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
public sealed class StorageClients
{
    private readonly StorageOptions _options;
    private readonly Lazy<TokenCredential?> _credential;
    private readonly Lazy<QueueServiceClient> _queues;
    private readonly Lazy<BlobServiceClient> _blobs;
    private readonly Lazy<TableServiceClient> _tables;

    public StorageClients(IOptions<StorageOptions> options)
    {
        _options = options.Value;
        // One credential for every client: it caches its tokens.
        _credential = new(() => Credential(_options));
        _queues = new(() => Queue(QueueMessageEncoding.Base64));
        _blobs = new(() => _credential.Value is { } credential
            ? new BlobServiceClient(_options.Endpoint("blob"), credential, Configure(new BlobClientOptions()))
            : new BlobServiceClient(_options.ConnectionString, Configure(new BlobClientOptions())));
        _tables = new(() => _credential.Value is { } credential
            ? new TableServiceClient(_options.Endpoint("table"), credential, Configure(new TableClientOptions()))
            : new TableServiceClient(_options.ConnectionString, Configure(new TableClientOptions())));
    }

    /// <summary>Queues with base64 messages, the Functions queue trigger's default encoding.</summary>
    public QueueServiceClient Queues => _queues.Value;

    public BlobServiceClient Blobs => _blobs.Value;

    public TableServiceClient Tables => _tables.Value;

    /// <summary>Queues with the given message encoding (host.json's <c>messageEncoding</c> may say <c>none</c>).</summary>
    public QueueServiceClient QueuesEncoded(QueueMessageEncoding encoding) =>
        encoding == QueueMessageEncoding.Base64 ? Queues : Queue(encoding);

    private QueueServiceClient Queue(QueueMessageEncoding encoding)
    {
        var clientOptions = Configure(new QueueClientOptions { MessageEncoding = encoding });
        return _credential.Value is { } credential
            ? new QueueServiceClient(_options.Endpoint("queue"), credential, clientOptions)
            : new QueueServiceClient(_options.ConnectionString, clientOptions);
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
