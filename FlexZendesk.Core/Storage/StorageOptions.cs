using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Storage;

/// <summary>The <c>AzureWebJobsStorage</c> connection string: the Functions host's own storage, also ours.</summary>
public sealed class StorageOptions
{
    public const string Key = "AzureWebJobsStorage";

    /// <summary>Holds the account key; never logged.</summary>
    public string ConnectionString { get; set; } = "";
}

public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail($"{StorageOptions.Key} is required (a storage connection string, or UseDevelopmentStorage=true).");
        }

        try
        {
            _ = new QueueServiceClient(options.ConnectionString);
            return ValidateOptionsResult.Success;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // The parser's message can quote the string, key included: say only which setting is wrong.
            return ValidateOptionsResult.Fail($"{StorageOptions.Key} is not a valid storage connection string.");
        }
    }
}
