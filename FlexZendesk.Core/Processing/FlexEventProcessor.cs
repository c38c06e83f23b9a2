using FlexZendesk.Core.Events;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Tickets;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Processing;

/// <summary>
/// Turns one queued event into its Zendesk effects, exactly once per task whatever the duplication, concurrency or
/// order of deliveries. Read top to bottom it is the event's story: what the event asks for; the task's ledger, loaded
/// once; the note's Twilio reads, before any Zendesk write; then the steps — the ticket (reused or created), the
/// stage's internal note, the screen-pop write-back — each recorded in the ledger before the next.
/// </summary>
public sealed class FlexEventProcessor(
    LedgerStore ledgers,
    NoteBuilder noteBuilder,
    TicketResolver tickets,
    NoteLogger notes,
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

        var (task, stage) = (work.Task, work.Stage);
        var session = await ledgers.OpenAsync(task.TaskSid, cancellationToken);
        var noteOwed = stage is not null && !session.Ledger.IsNoteSettled(stage);
        if (stage is not null && !noteOwed && !WriteBackOwed(session.Ledger, work))
        {
            return ProcessingOutcome.Skipped($"the {stage} note is already logged") with { TicketId = session.Ledger.TicketId };
        }

        if (session.Ledger.TicketId is null && task.RequestedTicketId is null && !ticketOptions.Value.CreateTickets)
        {
            return ProcessingOutcome.Skipped("no ticket: the task names none and Tickets:CreateTickets is off");
        }

        // Twilio reads (recordings, transcript) happen here, so a Twilio failure costs no Zendesk write.
        var note = noteOwed ? work.Note ?? await noteBuilder.BuildAsync(task, stage!, cancellationToken) : null;

        await tickets.EnsureAsync(session, task, stage, note, cancellationToken);
        if (session.Ledger.TicketId is null)
        {
            return ProcessingOutcome.Skipped("no ticket: the task names none that can be used and Tickets:CreateTickets is off");
        }

        if (note is not null && !session.Ledger.IsNoteSettled(stage!))
        {
            await notes.LogAsync(session, task, stage!, note, cancellationToken);
        }
        else if (session.Ledger.PendingTags is { Length: > 0 })
        {
            // Tags owed to a reused ticket normally ride on the next note; with no note here, add them alone.
            await notes.AddPendingTagsAsync(session, cancellationToken);
        }

        if (WriteBackOwed(session.Ledger, work))
        {
            await writeBack.RunAsync(session, task, cancellationToken);
        }

        var ledger = session.Ledger;
        return new ProcessingOutcome(true, $"{envelope.EventType}: ticket {ledger.TicketId} ({ledger.TicketSource}), notes {string.Join(",", ledger.DoneStages.Order())}", ledger.TicketId);
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
        return ticketPossible && (stageOwed || WriteBackOwed(ledger, work));
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
        return noteWanted || envelope.EventType == ticketOptions.Value.CreateOn
            ? (new TaskWork(task, noteWanted ? stage : null, Note: null, WriteBack: stage is null || !TaskStages.IsFinal(stage)), null)
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
    private sealed record TaskWork(TaskContext Task, string? Stage, string? Note, bool WriteBack);
}
