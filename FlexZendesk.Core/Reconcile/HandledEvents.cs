using FlexZendesk.Core.Events;
using FlexZendesk.Core.Tickets;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Reconcile;

/// <summary>
/// The TaskRouter event types processing acts on, as the ingress filter allows them: ticket creation, the configured
/// note stages, the call's voice comment or call record at completion, an abandoned call's record. What reconciliation
/// reads and enqueues.
/// </summary>
public sealed class HandledEvents
{
    private readonly EventTypeFilter _ingress;
    private readonly EventTypeFilter _handled;

    public HandledEvents(IOptions<NoteOptions> notes, IOptions<TicketOptions> tickets, IOptions<ZendeskOptions> zendesk, EventTypeFilter ingress)
    {
        _ingress = ingress;
        var talk = zendesk.Value.TalkAppId is not null;
        Types = [.. notes.Value.StageSet.SelectMany(TaskStages.EventTypesOf).Append(tickets.Value.CreateOn)
            .Concat(notes.Value.VoiceComment || talk ? ["task.completed"] : [])
            .Concat(talk ? ["task.canceled"] : [])
            .Distinct(StringComparer.Ordinal).Where(t => t.EndsWith('*') || ingress.Allows(t)).Order(StringComparer.Ordinal)];
        _handled = new EventTypeFilter(string.Join(',', Types));
        // A prefix (transfers) cannot be asked for: then one read of every type, kept as the filter allows.
        Reads = Types.Any(t => t.EndsWith('*')) ? [null] : [.. Types];
    }

    /// <summary>The types, a trailing <c>*</c> a prefix.</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>The <c>EventType</c> values to ask the Events resource for: each type, or one null (every type) when a prefix is among them.</summary>
    public IReadOnlyList<string?> Reads { get; }

    public bool Allows(string eventType) => _handled.Allows(eventType) && _ingress.Allows(eventType);
}
