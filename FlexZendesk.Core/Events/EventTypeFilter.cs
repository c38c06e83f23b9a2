namespace FlexZendesk.Core.Events;

/// <summary>The allow-list of TaskRouter event types that are enqueued: exact names, or a prefix ending in <c>*</c>.</summary>
public sealed class EventTypeFilter
{
    private readonly string[] _exact;
    private readonly string[] _prefixes;

    public EventTypeFilter(string allowList)
    {
        var entries = allowList.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        _exact = [.. entries.Where(e => !e.EndsWith('*'))];
        _prefixes = [.. entries.Where(e => e.EndsWith('*')).Select(e => e[..^1])];
    }

    public bool Allows(string eventType) =>
        _exact.Contains(eventType, StringComparer.OrdinalIgnoreCase)
        || _prefixes.Any(p => eventType.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
