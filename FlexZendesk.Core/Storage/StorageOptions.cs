using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Storage;

/// <summary>
/// <c>AzureWebJobsStorage</c>, the Functions host's own storage, also ours, in either of the host's two forms: a
/// connection string (Azurite, local runs), or identity-based (<c>AzureWebJobsStorage__accountName</c>, optionally
/// <c>__credential=managedidentity</c> and <c>__clientId</c>, or explicit <c>__queueServiceUri</c>/<c>__tableServiceUri</c>/
/// <c>__blobServiceUri</c>), which needs no storage key at all.
/// </summary>
public sealed class StorageOptions
{
    public const string Key = "AzureWebJobsStorage";

    /// <summary>Holds the account key; never logged. Empty in the identity-based form.</summary>
    public string ConnectionString { get; set; } = "";

    public string? AccountName { get; set; }

    /// <summary><c>managedidentity</c> (as the host reads it): the app's managed identity; otherwise the default credential chain.</summary>
    public string? Credential { get; set; }

    /// <summary>Client id of a user-assigned managed identity.</summary>
    public string? ClientId { get; set; }

    public Uri? QueueServiceUri { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public bool UsesIdentity => string.IsNullOrWhiteSpace(ConnectionString)
        && (!string.IsNullOrWhiteSpace(AccountName) || QueueServiceUri is not null);

    /// <summary>Reads both forms from configuration: the section's own value is the connection string, its children the identity form.</summary>
    public static void Bind(StorageOptions options, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var section = configuration.GetSection(Key);
        options.ConnectionString = section.Value ?? "";
        options.AccountName = section["accountName"];
        options.Credential = section["credential"];
        options.ClientId = section["clientId"];
        options.QueueServiceUri = Uri.TryCreate(section["queueServiceUri"], UriKind.Absolute, out var queues) ? queues : null;
        options.TableServiceUri = Uri.TryCreate(section["tableServiceUri"], UriKind.Absolute, out var tables) ? tables : null;
        options.BlobServiceUri = Uri.TryCreate(section["blobServiceUri"], UriKind.Absolute, out var blobs) ? blobs : null;
    }

    /// <summary>The service endpoint: explicit, else derived from the account name on the public cloud.</summary>
    public Uri Endpoint(string service) =>
        (service switch { "queue" => QueueServiceUri, "table" => TableServiceUri, _ => BlobServiceUri })
        ?? new Uri($"https://{AccountName}.{service}.core.windows.net/");
}

/// <summary>
/// Checks the setting's shape without building a storage client: loading the Azure SDK at start cost ~200 ms of the
/// readiness budget. Messages name the setting and never quote it.
/// </summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (options.UsesIdentity)
        {
            return options.QueueServiceUri is not null && (options.TableServiceUri is null || options.BlobServiceUri is null) && string.IsNullOrWhiteSpace(options.AccountName)
                ? ValidateOptionsResult.Fail($"{StorageOptions.Key}__queueServiceUri without an account name needs __tableServiceUri and __blobServiceUri too.")
                : ValidateOptionsResult.Success;
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail($"{StorageOptions.Key} is required (a storage connection string, UseDevelopmentStorage=true, or {StorageOptions.Key}__accountName for a managed identity).");
        }

        return IsWellFormed(options.ConnectionString)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{StorageOptions.Key} is not a valid storage connection string (expected AccountName and AccountKey or SharedAccessSignature, or UseDevelopmentStorage=true).");
    }

    internal static bool IsWellFormed(string connectionString)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = segment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !pairs.TryAdd(segment[..eq].Trim(), segment[(eq + 1)..].Trim()))
            {
                return false;
            }
        }

        if (pairs.TryGetValue("UseDevelopmentStorage", out var development))
        {
            return development.Equals("true", StringComparison.OrdinalIgnoreCase);
        }

        var hasKey = pairs.TryGetValue("AccountKey", out var key) && IsBase64(key);
        var hasSas = pairs.TryGetValue("SharedAccessSignature", out var sas) && sas.Length > 0;
        var hasAccount = pairs.TryGetValue("AccountName", out var account) && account.Length > 0;
        var hasQueueEndpoint = pairs.TryGetValue("QueueEndpoint", out var endpoint) && Uri.TryCreate(endpoint, UriKind.Absolute, out _);
        return (hasAccount && (hasKey || hasSas)) || (hasSas && hasQueueEndpoint);
    }

    private static bool IsBase64(string value)
    {
        Span<byte> buffer = stackalloc byte[value.Length];
        return value.Length > 0 && Convert.TryFromBase64String(value, buffer, out _);
    }
}
