using Microsoft.Extensions.Options;

namespace FlexZendesk.Standalone;

/// <summary>
/// The no-host runner's own settings, bound and validated at start like every other section: its queue listener
/// (<c>Queues:Listen</c>, <c>Queues:WakeOnEnqueue</c>, <c>Queues:LeaseSeconds</c>) and its timers (<c>Timers:Run</c>).
/// Under the Functions host none of them is read: the host listens, leases and runs timers itself.
/// </summary>
public sealed class ListenerOptions
{
    public const string Section = "Queues";

    /// <summary>This process feeds the queue functions; false when another instance or the Functions host consumes the queue.</summary>
    public bool Listen { get; set; } = true;

    /// <summary>An event this process enqueued wakes its listener at once instead of at the end of the polling back-off.</summary>
    public bool WakeOnEnqueue { get; set; } = true;

    /// <summary>How long a received message stays invisible (3-600 s); renewed every third of it while its function runs.</summary>
    public int LeaseSeconds { get; set; } = 30;

    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
}

/// <summary>Settings under <c>Timers:</c>.</summary>
public sealed class TimerOptions
{
    public const string Section = "Timers";

    /// <summary>This process runs the timer functions on their schedules.</summary>
    public bool Run { get; set; } = true;
}

public sealed class ListenerOptionsValidator : IValidateOptions<ListenerOptions>
{
    public ValidateOptionsResult Validate(string? name, ListenerOptions options) =>
        options.LeaseSeconds is < 3 or > 600
            ? ValidateOptionsResult.Fail("Queues:LeaseSeconds must be between 3 and 600.")
            : ValidateOptionsResult.Success;
}

/// <summary>
/// The host's switch to turn one function off without a redeploy: the app setting
/// <c>AzureWebJobs.&lt;FunctionName&gt;.Disabled</c> = <c>true</c> (or <c>1</c>; <c>AzureWebJobs__&lt;FunctionName&gt;__Disabled</c>
/// in environment variables). Read once at start, as the host does (a changed app setting restarts the app).
/// </summary>
public static class FunctionSwitch
{
    public static bool IsDisabled(IConfiguration configuration, string functionName) =>
        (configuration[$"AzureWebJobs.{functionName}.Disabled"] ?? configuration[$"AzureWebJobs:{functionName}:Disabled"]) is { } value
        && (value.Trim() == "1" || (bool.TryParse(value.Trim(), out var disabled) && disabled));
}
