using FlexZendesk.Core.Twilio;
using Microsoft.Extensions.Logging;
using TaskRouterEvent = Twilio.Rest.Taskrouter.V1.Workspace.EventResource;

namespace FlexZendesk.Core.Reconcile;

/// <summary>
/// Reads every event of a span from TaskRouter's Events resource: one request per event type asked for,
/// <c>PageSize</c> 1,000, never a second page (the resource's reference says it does not support paging): a full
/// answer splits its span in two and reads both halves, down to one second.
/// </summary>
public sealed partial class EventsReader(TwilioRest twilio, ILogger<EventsReader> logger)
{
    public const int PageSize = 1000;

    /// <param name="types">Event types to ask for, one request (or more, halving) each; null asks for every type.</param>
    /// <returns>The events (each once), and the requests made.</returns>
    public async Task<(IReadOnlyCollection<TaskRouterEvent> Events, int Requests)> ReadAsync(
        string workspace, DateTimeOffset from, DateTimeOffset to, IEnumerable<string?> types, CancellationToken cancellationToken)
    {
        var events = new Dictionary<string, TaskRouterEvent>(StringComparer.Ordinal);
        var requests = 0;
        foreach (var type in types)
        {
            requests += await ReadAsync(workspace, from, to, type, events, cancellationToken);
        }

        return (events.Values, requests);
    }

    private async Task<int> ReadAsync(string workspace, DateTimeOffset from, DateTimeOffset to, string? type, Dictionary<string, TaskRouterEvent> into, CancellationToken cancellationToken)
    {
        var requests = 0;
        var spans = new Stack<(DateTimeOffset From, DateTimeOffset To)>();
        spans.Push((from, to));
        while (spans.TryPop(out var span))
        {
            var page = await twilio.EventsAsync(workspace, span.From, span.To, type, PageSize, cancellationToken);
            requests++;
            // The resource filters by whole seconds: a half is whole seconds too, and the halves share their middle second.
            var middle = WholeSecond(span.From + ((span.To - span.From) / 2));
            if (page.Count >= PageSize && middle > WholeSecond(span.From))
            {
                spans.Push((middle, span.To));
                spans.Push((span.From, middle));
                continue;
            }

            if (page.Count >= PageSize)
            {
                LogFullSecond(logger, PageSize, type ?? "(all)", span.From);
            }

            foreach (var e in page.Where(e => e.Sid is not null))
            {
                into.TryAdd(e.Sid, e);
            }
        }

        return requests;
    }

    private static DateTimeOffset WholeSecond(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    [LoggerMessage(LogLevel.Warning, "Reconcile: more than {PageSize} {EventType} events within the second from {Second:o}: the resource gives no more, so the rest of that second is not read")]
    private static partial void LogFullSecond(ILogger logger, int pageSize, string eventType, DateTimeOffset second);
}
