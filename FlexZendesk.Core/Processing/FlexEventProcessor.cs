using FlexZendesk.Core.Events;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Tickets;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Processing;

/// <summary>
/// Turns one queued event into its Zendesk effects, exactly once per task whatever the duplication, concurrency or
/// order of deliveries. Read top to bottom it is the event's story: what the event asks for; the task's ledger, loaded
/// once; the agent who accepted it; the note's Twilio reads, before any Zendesk write; then the steps — the ticket
/// (reused or created), the screen pop on the agent's Zendesk screen, the stage's internal note, the call (voice
/// comment or call record), the write-back of the ticket number to the task — each recorded in the ledger before the next.
/// </summary>
public sealed class FlexEventProcessor(
    LedgerStore ledgers,
    AgentResolver agents,
    NoteBuilder noteBuilder,
    TicketResolver tickets,
    ScreenPop screenPop,
    NoteLogger notes,
    CallLog calls,
    TaskWriteBack writeBack,
    IOptions<TicketOptions> ticketOptions,
    IOptions<NoteOptions> noteOptions,
    IOptions<FlexOptions> flexOptions)
{
    public async Task<ProcessingOutcome> ProcessAsync(FlexEventEnvelope envelope, CancellationToken cancellationToken)
    {
        var (work, unwanted) = Work(envelope);
        if (work is null)
        {
            return ProcessingOutcome.Skipped(unwanted!);
        }

        var task = work.Task;
        var session = await ledgers.OpenAsync(task.TaskSid, cancellationToken);
        var stage = await RecordAgentAsync(session, work, cancellationToken);
        var ledger = session.Ledger;
        var noteOwed = stage is not null && !ledger.IsNoteSettled(stage);
        var popOwed = work.PopStage is { } popStage && screenPop.Owed(ledger, task, popStage);
        // A voice comment or call record goes on the ticket: owed too when this event is about to make the ticket.
        var call = work.Call is { } step && (CallLog.Owed(ledger, step) || (step != CallStep.Abandoned && ledger.TicketId is null && noteOwed)) ? step : (CallStep?)null;
        if (call == CallStep.Abandoned && ledger.TicketId is null && !noteOwed)
        {
            // A caller who hung up in the queue: a call record of its own, no ticket made for it.
            await calls.RunAsync(session, task, CallStep.Abandoned, await calls.ReadAsync(task, CallStep.Abandoned, cancellationToken), cancellationToken);
            return new ProcessingOutcome(true, $"{envelope.EventType}: abandoned call record {session.Ledger.CallRecord}", null);
        }

        if (!noteOwed && !WriteBackOwed(ledger, work) && !popOwed && call is null && (ledger.TicketId is null ? stage is not null || work.AgentOnly : !notes.OwesUpdate(ledger)))
        {
            return ProcessingOutcome.Skipped(stage is null ? $"nothing more to do at {envelope.EventType}" : $"the {stage} note is already logged") with { TicketId = ledger.TicketId };
        }

        if (ledger.TicketId is null && task.RequestedTicketId is null && !ticketOptions.Value.CreateTickets)
        {
            return ProcessingOutcome.Skipped("no ticket: the task names none and Tickets:CreateTickets is off");
        }

        // Twilio reads (the call, recordings, transcript) happen here, so a Twilio failure costs no Zendesk write.
        var facts = call is { } asked ? await calls.ReadAsync(task, asked, cancellationToken) : null;
        var note = noteOwed ? work.Note ?? await noteBuilder.BuildAsync(task, stage!, TransferHeading(ledger, stage!), facts?.Recordings, cancellationToken) : null;

        await tickets.EnsureAsync(session, task, stage, note, cancellationToken);
        if (session.Ledger.TicketId is null)
        {
            return ProcessingOutcome.Skipped("no ticket: the task names none that can be used and Tickets:CreateTickets is off");
        }

        // The pop first: the agent is waiting for the screen; a pop never fails the event.
        if (work.PopStage is { } pop)
        {
            await screenPop.RunAsync(session, task, pop, cancellationToken);
        }

        if (note is not null && !session.Ledger.IsNoteSettled(stage!))
        {
            await notes.LogAsync(session, task, stage!, note, cancellationToken);
        }

        if (call is { } callStep)
        {
            // A voice comment is a ticket update too: owed tags and assignee ride on it.
            await calls.RunAsync(session, task, callStep, facts!, cancellationToken);
        }

        if (notes.OwesUpdate(session.Ledger))
        {
            // Tags owed to a reused ticket, or its assignee, normally ride on a note; with none carrying them, send them alone.
            await notes.UpdateOwedAsync(session, task, cancellationToken);
        }

        if (WriteBackOwed(session.Ledger, work))
        {
            await writeBack.RunAsync(session, task, cancellationToken);
        }

        ledger = session.Ledger;
        return new ProcessingOutcome(true, $"{envelope.EventType}: ticket {ledger.TicketId} ({ledger.TicketSource}), notes {string.Join(",", ledger.DoneStages.Order())}", ledger.TicketId);
    }

    /// <summary>
    /// A reservation event names the worker: records it (and its Zendesk agent) as the task's agent, looked up only the
    /// first time the task meets the worker. A second worker accepting the task is a transfer: its note stage is its own
    /// (one per worker taking over), logged when accepted or transfer notes are on.
    /// </summary>
    private async Task<string?> RecordAgentAsync(LedgerSession session, TaskWork work, CancellationToken cancellationToken)
    {
        var task = work.Task;
        if (task.WorkerSid is not { } worker || !task.Envelope.EventType.StartsWith("reservation.", StringComparison.Ordinal))
        {
            return work.Stage;
        }

        if (session.Ledger.AgentHistory.All(a => a.WorkerSid != worker) && await agents.ResolveAsync(task, cancellationToken) is { } agent)
        {
            var since = task.OccurredAt.ToUnixTimeMilliseconds();
            await session.RecordAsync(l => l.RecordAgent(agent, since), cancellationToken);
        }

        return work.PopStage == TaskStages.Accepted && IsTransfer(session.Ledger, worker) ? TransferStage(worker) : work.Stage;
    }

    /// <summary>The worker accepts a task another worker accepted first.</summary>
    private static bool IsTransfer(TaskLedger ledger, string worker) => ledger.AgentHistory.Count > 1 && ledger.AgentHistory[0].WorkerSid != worker;

    /// <summary>A transferee's note stage, when accepted or transfer notes are wanted; else none.</summary>
    private string? TransferStage(string worker)
    {
        var stages = noteOptions.Value.StageSet;
        return stages.Contains(TaskStages.Accepted) || stages.Contains(TaskStages.Transfer) ? TaskStages.TransferTo(worker) : null;
    }

    /// <summary>A transfer note's first line names both agents: the one before this worker, and this one.</summary>
    private static string? TransferHeading(TaskLedger ledger, string stage)
    {
        var history = ledger.AgentHistory;
        var index = history.ToList().FindIndex(a => TaskStages.TransferTo(a.WorkerSid) == stage);
        return index <= 0 ? null : $"Twilio Flex task transferred from {Describe(history[index - 1])} to {Describe(history[index])}";

        static string Describe(TaskAgent a) => $"{a.Name ?? a.WorkerSid} ({a.WorkerSid}, Zendesk agent {(a.AgentId is { } id ? "#" + id : "unknown")})";
    }

    /// <summary>
    /// Whether processing the event would still do something, judged from the task's ledger: a stage note not yet
    /// settled, a ticket not yet made, a screen pop not yet written. The reconciler's test of "not seen"; a false
    /// positive costs one more delivery, which processing recognises as done.
    /// </summary>
    public bool Owes(FlexEventEnvelope envelope, TaskLedger ledger)
    {
        var (work, _) = Work(envelope);
        if (work is null || work.Task.TaskSid != ledger.TaskSid)
        {
            return false;
        }

        var stageOwed = work.Stage is not null ? !ledger.IsNoteSettled(work.Stage) : ledger.TicketId is null;
        var ticketPossible = ledger.TicketId is not null || work.Task.RequestedTicketId is not null || ticketOptions.Value.CreateTickets;
        return (ticketPossible && (stageOwed || WriteBackOwed(ledger, work))) || (work.Call is { } step && CallLog.Owed(ledger, step));
    }

    /// <summary>What the event asks for, or why it asks for nothing.</summary>
    private (TaskWork? Work, string? Unwanted) Work(FlexEventEnvelope envelope)
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
        var noteWanted = stage is not null && noteOptions.Value.StageSet.Contains(stage);
        if (stage == TaskStages.Selected && task.WorkerSid is { } selector)
        {
            // The plugin's select names its (token-checked) worker: one note per task and agent.
            stage = TaskStages.SelectedBy(selector);
        }

        // An accepted reservation always has the agent's work to do (the assignee, the screen pop), ticket or not yet.
        var popStage = stage == TaskStages.Accepted && task.WorkerSid is not null ? stage : null;
        var call = calls.Asked(task);
        return noteWanted || envelope.EventType == ticketOptions.Value.CreateOn || popStage is not null || call is not null
            ? (new TaskWork(task, noteWanted ? stage : null, Note: null, WriteBack: stage is null || !TaskStages.IsFinal(stage), popStage,
                AgentOnly: !noteWanted && envelope.EventType != ticketOptions.Value.CreateOn, call), null)
            : (null, $"nothing to do at {envelope.EventType}");
    }

    private bool WriteBackOwed(TaskLedger ledger, TaskWork work) =>
        work.WriteBack && flexOptions.Value.WriteBackTaskAttributes && ledger.TicketId is not null && !ledger.WrittenBack;

    private string? Filtered(TaskContext task)
    {
        var workflows = FlexOptions.ListOf(flexOptions.Value.WorkflowSids);
        if (workflows.Count > 0 && (task.WorkflowSid is null || !workflows.Contains(task.WorkflowSid)))
        {
            return $"workflow {task.WorkflowSid ?? "(none)"} is not in Flex:WorkflowSids";
        }

        var channels = FlexOptions.ListOf(flexOptions.Value.TaskChannels);
        return channels.Count > 0 && !channels.Contains(task.Channel) ? $"channel {task.Channel} is not in Flex:TaskChannels" : null;
    }

    /// <param name="Stage">The stage whose note the event asks for; null when it only asks for the ticket.</param>
    /// <param name="Note">The note when the event carries it (a Studio request); otherwise built from the task.</param>
    /// <param name="WriteBack">Whether the task is a live TaskRouter task whose attributes can take the screen pop.</param>
    /// <param name="PopStage">The stage whose screen pop the event asks for (an accepted reservation).</param>
    /// <param name="AgentOnly">The event asks only for the agent's (or the call's) work: it makes no ticket of its own.</param>
    /// <param name="Call">What a voice task's end asks: a voice comment, a call record, an abandoned call's record.</param>
    private sealed record TaskWork(TaskContext Task, string? Stage, string? Note, bool WriteBack, string? PopStage = null, bool AgentOnly = false, CallStep? Call = null);
}
