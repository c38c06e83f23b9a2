using System.Globalization;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace FlexZendesk.Standalone;

/// <summary>A function with a timer trigger: run by <see cref="TimerScheduler"/>.</summary>
public sealed record TimerFunction(string Name, MethodInfo Method, TimerTriggerAttribute Trigger)
{
    /// <summary>
    /// The trigger's schedule as the host reads it: <c>%setting%</c> resolved from configuration, then an NCRONTAB
    /// expression with seconds (<c>0 */5 * * * *</c>) or a period (<c>00:05:00</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Unset setting or unreadable schedule, naming the function.</exception>
    public TimerSchedule Schedule(IConfiguration configuration)
    {
        var text = Trigger.Schedule;
        if (text.Length > 2 && text[0] == '%' && text[^1] == '%')
        {
            text = configuration[text[1..^1]] is { Length: > 0 } value ? value : throw new InvalidOperationException($"Function {Name}: setting {text[1..^1]} (its schedule) is not set.");
        }

        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var period) && period > TimeSpan.Zero)
        {
            return new TimerSchedule(text, period, null);
        }

        return CrontabSchedule.TryParse(text, new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is { } cron
            ? new TimerSchedule(text, null, cron)
            : throw new InvalidOperationException($"Function {Name}: schedule '{text}' is neither an NCRONTAB expression with seconds (0 */5 * * * *) nor a period (00:05:00).");
    }
}

/// <summary>When a timer fires: every <c>Period</c>, or at each occurrence of <c>Cron</c> (UTC, as the host's default).</summary>
public sealed record TimerSchedule(string Text, TimeSpan? Period, CrontabSchedule? Cron)
{
    public DateTimeOffset Next(DateTimeOffset after) => Period is { } period
        ? after + period
        : new DateTimeOffset(Cron!.GetNextOccurrence(after.UtcDateTime), TimeSpan.Zero);
}
