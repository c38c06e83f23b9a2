using FlexZendesk.Core.Ledger;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Who is on the task's ticket besides the requester: the assignee (and a new ticket's submitter), the group from the
/// task's queue, and each note's author. The one rule for when the agent is set; the steps carry its answers on the
/// calls they make anyway.
/// </summary>
public sealed class TicketPeople(IOptions<TicketOptions> tickets, IOptions<NoteOptions> notes)
{
    /// <summary>The fields Zendesk names in a 422 when it refuses an agent or group id.</summary>
    private static readonly string[] AgentFields = ["assignee", "submitter", "author", "group", "answered_by"];

    /// <summary>The agent a new ticket is assigned to and submitted by, if assignment is on.</summary>
    public long? NewTicketAssignee(TaskLedger ledger) => tickets.Value.AssignToAgent ? ledger.AgentId : null;

    /// <summary>
    /// The assignee an update of the ticket owes: the task's agent when assignment is on, the ticket's assignee is ours
    /// to set (not a caller's ticket that had one) and it is not that agent already (a transfer changes it).
    /// </summary>
    public long? OwedAssignee(TaskLedger ledger) =>
        tickets.Value.AssignToAgent && ledger.AgentId is { } agent && ledger.TicketId is not null && !ledger.AssigneeKept && ledger.AssigneeId != agent
            ? agent
            : null;

    /// <summary>
    /// The owed assignee when no note of the agent's own acceptance will carry it: that note (<c>accepted</c> for the
    /// task's first worker, <c>transfer_WK…</c> for a later one) is not wanted, or already settled. Another event
    /// that finds the assignee owed meanwhile (a completion processed while the acceptance is) leaves it to that note
    /// instead of spending an update of its own.
    /// </summary>
    public long? OwedAssigneeAlone(TaskLedger ledger)
    {
        if (OwedAssignee(ledger) is not { } agent)
        {
            return null;
        }

        return AcceptanceNote(ledger, ledger.WorkerSid!) is { } carrier && !ledger.IsNoteSettled(carrier) ? null : agent;
    }

    /// <summary>
    /// The note stage that logs <paramref name="worker"/>'s acceptance, or null when no such note is wanted: <c>accepted</c>
    /// for the task's first worker; for a worker who takes over a task another accepted first (a transfer), its own
    /// <c>transfer_WK…</c>, wanted when accepted or transfer notes are on.
    /// </summary>
    public string? AcceptanceNote(TaskLedger ledger, string worker)
    {
        var transfer = ledger.AgentHistory.Count > 1 && ledger.AgentHistory[0].WorkerSid != worker;
        var stages = notes.Value.StageSet;
        return transfer
            ? stages.Contains(TaskStages.Accepted) || stages.Contains(TaskStages.Transfer) ? TaskStages.TransferTo(worker) : null
            : stages.Contains(TaskStages.Accepted) ? TaskStages.Accepted : null;
    }

    /// <summary>A note's author: the task's agent (the last to accept it), or null for the API user.</summary>
    public long? Author(TaskLedger ledger) => notes.Value.AuthorIsAgent ? ledger.AgentId : null;

    /// <summary>The Zendesk group of the task's queue, from <c>Tickets:GroupsByQueue</c>.</summary>
    public long? Group(TaskContext task) =>
        task.Queue is { } queue && tickets.Value.GroupMap.TryGetValue(queue, out var group) ? group : null;

    /// <summary>Zendesk refused an agent or group id we sent (not the note or ticket itself): send it again without them.</summary>
    public static bool RefusedPeople(PermanentException refusal) =>
        refusal.InvalidFields.Any(f => AgentFields.Any(a => f.StartsWith(a, StringComparison.OrdinalIgnoreCase)));
}
