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
    TicketPeople people,
    EventWork asks,
    IOptions<TicketOptions> ticketOptions)
{
    public async Task<ProcessingOutcome> ProcessAsync(FlexEventEnvelope envelope, CancellationToken cancellationToken)
    {
        var (work, unwanted) = asks.Of(envelope);
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

        if (!noteOwed && !asks.WriteBackOwed(ledger, work) && !popOwed && call is null && (ledger.TicketId is null ? stage is not null || work.AgentOnly : !notes.OwesUpdate(session)))
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

        if (notes.OwesUpdate(session))
        {
            // Tags owed to a reused ticket, or its assignee, normally ride on a note; with none carrying them, send them alone.
            await notes.UpdateOwedAsync(session, task, cancellationToken);
        }

        if (asks.WriteBackOwed(session.Ledger, work))
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
        var ledger = session.Ledger;
        if (task.WorkerSid is null && ledger.AgentHistory.Count == 0 && task.Envelope.Source == EventSources.TaskRouter
            && task.Envelope.EventType.StartsWith("task.", StringComparison.Ordinal)
            && ((work.Stage is { } stage && !ledger.IsNoteSettled(stage)) || (work.Call is { } call && (ledger.TicketId is null || CallLog.Owed(ledger, call)))))
        {
            // A note or the call before any acceptance is known: who took the task is TaskRouter's to say, so the note is
            // the agent's and the ticket theirs as in order, not the API user's.
            var learned = await agents.LearnAsync(task, cancellationToken);
            if (learned.Count > 0)
            {
                await session.RecordAsync(
                    l =>
                    {
                        foreach (var (agent, since) in learned)
                        {
                            l.RecordAgent(agent, since);
                        }
                    },
                    cancellationToken);
            }
        }

        if (task.WorkerSid is not { } worker || !task.Envelope.EventType.StartsWith("reservation.", StringComparison.Ordinal))
        {
            return work.Stage;
        }

        if (session.Ledger.AgentHistory.All(a => a.WorkerSid != worker) && await agents.ResolveAsync(task, cancellationToken) is { } agent)
        {
            var since = task.OccurredAt.ToUnixTimeMilliseconds();
            await session.RecordAsync(l => l.RecordAgent(agent, since), cancellationToken);
        }

        return work.PopStage == TaskStages.Accepted ? people.AcceptanceNote(session.Ledger, worker) : work.Stage;
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
        var (work, _) = asks.Of(envelope);
        if (work is null || work.Task.TaskSid != ledger.TaskSid)
        {
            return false;
        }

        var stageOwed = work.Stage is not null ? !ledger.IsNoteSettled(work.Stage) : ledger.TicketId is null;
        var ticketPossible = ledger.TicketId is not null || work.Task.RequestedTicketId is not null || ticketOptions.Value.CreateTickets;
        return (ticketPossible && (stageOwed || asks.WriteBackOwed(ledger, work))) || (work.Call is { } step && CallLog.Owed(ledger, step));
    }
}

/// <summary>What processing one event did. Failures are exceptions: <see cref="RetryableException"/>, <see cref="PermanentException"/>.</summary>
/// <param name="Done">False when the event needed nothing (filtered, duplicate, already logged).</param>
public sealed record ProcessingOutcome(bool Done, string Detail, long? TicketId = null)
{
    public static ProcessingOutcome Skipped(string why) => new(false, why);
}
