using Microsoft.Extensions.Options;

namespace FlexZendesk.Standalone;

/// <summary>host.json's <c>extensions.queues</c>, with the host's defaults where host.json is silent.</summary>
public sealed class QueueTriggerOptions
{
    public const string Section = HostJson.Prefix + ":extensions:queues";

    public int BatchSize { get; set; } = 16;

    /// <summary>A new batch is fetched once this few messages are still in flight (host default: half a batch).</summary>
    public int? NewBatchThreshold { get; set; }

    /// <summary>After this many failed deliveries a message moves to <c>&lt;queue&gt;-poison</c>.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a failed message stays invisible before its next delivery.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Longest wait between polls of an empty queue (the polls back off up to it).</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary><c>base64</c> (the host's default) or <c>none</c>.</summary>
    public string MessageEncoding { get; set; } = "base64";
}

public sealed class QueueTriggerOptionsValidator : IValidateOptions<QueueTriggerOptions>
{
    public ValidateOptionsResult Validate(string? name, QueueTriggerOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.BatchSize is < 1 or > 32)
        {
            builder.AddError("host.json extensions.queues.batchSize must be between 1 and 32.");
        }

        if (options.MaxDequeueCount < 1)
        {
            builder.AddError("host.json extensions.queues.maxDequeueCount must be at least 1.");
        }

        if (options.VisibilityTimeout < TimeSpan.Zero || options.VisibilityTimeout > TimeSpan.FromDays(7))
        {
            builder.AddError("host.json extensions.queues.visibilityTimeout must be between 00:00:00 and 7.00:00:00.");
        }

        if (options.MaxPollingInterval < TimeSpan.FromMilliseconds(10))
        {
            builder.AddError("host.json extensions.queues.maxPollingInterval must be at least 00:00:00.01.");
        }

        if (options.MessageEncoding is not ("base64" or "none"))
        {
            builder.AddError("host.json extensions.queues.messageEncoding must be base64 or none.");
        }

        return builder.Build();
    }
}
