using System.Diagnostics;

namespace FlexZendesk.Core.Telemetry;

/// <summary>
/// The app's trace source and meter name. Spans: ingress (ASP.NET Core) → <c>flex-events send</c> (producer) →
/// <c>process {eventType}</c> (consumer, parented by the trace context carried in the envelope) → each Zendesk and
/// Twilio HTTP call. Creating a span costs nothing unless a tracer provider listens (APPLICATIONINSIGHTS_CONNECTION_STRING).
/// </summary>
public static class FlexTelemetry
{
    public const string Name = "FlexZendesk";

    public static ActivitySource Source { get; } = new(Name, typeof(FlexTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The current span's W3C context, to carry in an envelope; null when nothing traces.</summary>
    public static (string? TraceParent, string? TraceState) Capture() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? (current.Id, current.TraceStateString) : (null, null);

    /// <summary>The span context an envelope carried, or default when it carried none or a malformed one.</summary>
    public static ActivityContext Parent(string? traceParent, string? traceState) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
}
