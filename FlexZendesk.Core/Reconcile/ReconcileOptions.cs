using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Reconcile;

/// <summary>
/// Settings under <c>Reconcile:</c>: the timer that reads TaskRouter's Events resource and enqueues every handled
/// event the app has not acted on (a webhook Twilio gave up on while the app was unreachable), and reports the
/// poison queue's depth.
/// </summary>
public sealed class ReconcileOptions
{
    public const string Section = "Reconcile";

    /// <summary>Five minutes, at second 0 (NCRONTAB with seconds, as the Functions timer takes it).</summary>
    public const string DefaultSchedule = "0 */5 * * * *";

    /// <summary>Reads the Events resource when on; the poison depth is reported either way.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The timer's schedule: NCRONTAB with seconds (<c>0 */5 * * * *</c>) or a period (<c>00:05:00</c>).</summary>
    public string Schedule { get; set; } = DefaultSchedule;

    /// <summary>Events younger than this are left to the webhook, which is normally still processing them.</summary>
    public int SettleSeconds { get; set; } = 120;

    /// <summary>How far back the first run starts, and the oldest any run reads (TaskRouter keeps 30 days: 43,200).</summary>
    public int LookBackMinutes { get; set; } = 24 * 60;

    /// <summary>At most this many events are read in one run; the watermark keeps the rest for the next.</summary>
    public int MaxEventsPerRun { get; set; } = 20_000;
}

public sealed class ReconcileOptionsValidator : IValidateOptions<ReconcileOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcileOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(options.Schedule))
        {
            builder.AddError("Reconcile:Schedule must be an NCRONTAB expression with seconds (0 */5 * * * *) or a period (00:05:00).");
        }

        return builder
            .Range("Reconcile:SettleSeconds", options.SettleSeconds, 0, 3600)
            .Range("Reconcile:LookBackMinutes", options.LookBackMinutes, 1, 43_200, "(TaskRouter keeps events 30 days)")
            .Range("Reconcile:MaxEventsPerRun", options.MaxEventsPerRun, 1000, 1_000_000)
            .Build();
    }
}
