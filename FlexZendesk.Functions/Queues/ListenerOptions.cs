using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Queues;

/// <summary>
/// The standalone listener's settings under <c>Queues:</c>, mirroring host.json's queue extension so that the
/// app without a Functions host keeps the same semantics.
/// </summary>
public sealed class ListenerOptions
{
    /// <summary>Run the listener in-process. Unset: on unless FUNCTIONS_CUSTOMHANDLER_PORT says a Functions host is present.</summary>
    public bool? Listen { get; set; }

    public int BatchSize { get; set; } = 16;

    /// <summary>After this many failed deliveries a message moves to <c>&lt;queue&gt;-poison</c>.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a failed message stays invisible before its next try (a 429's Retry-After wins when longer).</summary>
    public double VisibilityTimeoutSeconds { get; set; } = 30;

    /// <summary>Longest wait between polls of an empty queue.</summary>
    public double MaxPollingIntervalSeconds { get; set; } = 2;
}

public sealed class ListenerOptionsValidator : IValidateOptions<ListenerOptions>
{
    public ValidateOptionsResult Validate(string? name, ListenerOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.BatchSize is < 1 or > 32)
        {
            builder.AddError("Queues:BatchSize must be between 1 and 32.");
        }

        if (options.MaxDequeueCount is < 1 or > 100)
        {
            builder.AddError("Queues:MaxDequeueCount must be between 1 and 100.");
        }

        if (options.VisibilityTimeoutSeconds is < 0 or > 7 * 24 * 3600)
        {
            builder.AddError("Queues:VisibilityTimeoutSeconds must be between 0 and 604800.");
        }

        if (options.MaxPollingIntervalSeconds is < 0.01 or > 600)
        {
            builder.AddError("Queues:MaxPollingIntervalSeconds must be between 0.01 and 600.");
        }

        return builder.Build();
    }
}
