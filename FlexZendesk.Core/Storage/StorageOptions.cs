using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Storage;

/// <summary>The <c>AzureWebJobsStorage</c> connection string: the Functions host's own storage, also ours.</summary>
public sealed class StorageOptions
{
    public const string Key = "AzureWebJobsStorage";

    /// <summary>Holds the account key; never logged.</summary>
    public string ConnectionString { get; set; } = "";
}

/// <summary>
/// Checks the connection string's shape without building a storage client: loading the Azure SDK at start
/// cost ~200 ms of the host's readiness budget. Messages name the setting and never quote it.
/// </summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail($"{StorageOptions.Key} is required (a storage connection string, or UseDevelopmentStorage=true).");
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
