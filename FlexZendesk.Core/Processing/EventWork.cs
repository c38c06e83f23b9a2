using FlexZendesk.Core.Events;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Tickets;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Processing;

/// <summary>
/// What one event asks of processing, from the settings alone (no ledger, no I/O): the task, the stage whose note it
/// wants, the screen pop, the call's step, whether the ticket number can be written back; or why it asks for nothing
/// (filtered, no task, nothing configured at its stage).
/// </summary>
public sealed class EventWork(CallLog calls, IOptions<TicketOptions> tickets, IOptions<NoteOptions> notes, IOptions<FlexOptions> flex)
{
    /// <summary>What the event asks for, or why it asks for nothing.</summary>
    public (TaskWork? Work, string? Unwanted) Of(FlexEventEnvelope envelope)
    {
        if (envelope.Source == EventSources.Studio)
        {
            if (envelope.EventType != StudioTicketRequest.EventType)
            {
                return (null, $"Studio {envelope.EventType} needs no Zendesk effect (only {StudioTicketRequest.EventType} does)");
            }

            var (request, body) = StudioTicketRequest.ToTask(envelope);
            return (new TaskWork(request, StudioTicketRequest.Stage, body, WriteBack: false), null);
        }

        var task = new TaskContext(envelope);
        if (task.TaskSid.Length == 0)
        {
            return (null, $"{envelope.EventType} carries no TaskSid");
        }

        if (Filtered(task) is { } filtered)
        {
            return (null, filtered);
        }

        var stage = TaskStages.Of(envelope.EventType);
        var noteWanted = stage is not null && notes.Value.StageSet.Contains(stage);
        if (stage == TaskStages.Selected && task.WorkerSid is { } selector)
        {
            // The plugin's select names its (token-checked) worker: one note per task and agent.
            stage = TaskStages.SelectedBy(selector);
        }

        // An accepted reservation always has the agent's work to do (the assignee, the screen pop), ticket or not yet.
        var popStage = stage == TaskStages.Accepted && task.WorkerSid is not null ? stage : null;
        var call = calls.Asked(task);
        return noteWanted || envelope.EventType == tickets.Value.CreateOn || popStage is not null || call is not null
            ? (new TaskWork(task, noteWanted ? stage : null, Note: null, WriteBack: stage is null || !TaskStages.IsFinal(stage), popStage,
                AgentOnly: !noteWanted && envelope.EventType != tickets.Value.CreateOn, call), null)
            : (null, $"nothing to do at {envelope.EventType}");
    }

    /// <summary>The screen pop's write-back of the ticket number to the task is still to do.</summary>
    public bool WriteBackOwed(TaskLedger ledger, TaskWork work) =>
        work.WriteBack && flex.Value.WriteBackTaskAttributes && ledger.TicketId is not null && !ledger.WrittenBack;

    private string? Filtered(TaskContext task)
    {
        var workflows = FlexOptions.ListOf(flex.Value.WorkflowSids);
        if (workflows.Count > 0 && (task.WorkflowSid is null || !workflows.Contains(task.WorkflowSid)))
        {
            return $"workflow {task.WorkflowSid ?? "(none)"} is not in Flex:WorkflowSids";
        }

        var channels = FlexOptions.ListOf(flex.Value.TaskChannels);
        return channels.Count > 0 && !channels.Contains(task.Channel) ? $"channel {task.Channel} is not in Flex:TaskChannels" : null;
    }
}

/// <param name="Stage">The stage whose note the event asks for; null when it only asks for the ticket.</param>
/// <param name="Note">The note when the event carries it (a Studio request); otherwise built from the task.</param>
/// <param name="WriteBack">Whether the task is a live TaskRouter task whose attributes can take the screen pop.</param>
/// <param name="PopStage">The stage whose screen pop the event asks for (an accepted reservation).</param>
/// <param name="AgentOnly">The event asks only for the agent's (or the call's) work: it makes no ticket of its own.</param>
/// <param name="Call">What a voice task's end asks: a voice comment, a call record, an abandoned call's record.</param>
public sealed record TaskWork(TaskContext Task, string? Stage, string? Note, bool WriteBack, string? PopStage = null, bool AgentOnly = false, CallStep? Call = null);
