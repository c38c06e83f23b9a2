using FlexZendesk.Core.Events;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Tickets;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Processing;

/// <summary>
/// Turns one queued Twilio event into its Zendesk effects, exactly once per task whatever the duplication,
/// concurrency or order of deliveries: the ticket (reused or created), the stage's internal note, the screen-pop
/// write-back. Every effect is recorded in the task ledger before the next is attempted.
/// </summary>
public sealed class FlexEventProcessor(
    EventQueueWriter queue,
    LedgerStore ledgers,
    TicketResolver tickets,
    NoteLogger noteLogger,
    NoteBuilder noteBuilder,
    TaskWriteBack writeBack,
    StudioTicketRequests studio,
    IOptions<TicketOptions> ticketOptions,
    IOptions<NoteOptions> noteOptions,
    IOptions<FlexOptions> flexOptions)
{
    public async Task<ProcessingOutcome> ProcessAsync(FlexEventEnvelope envelope, CancellationToken cancellationToken)
    {
        envelope = await queue.ResolveAsync(envelope, cancellationToken);
        if (envelope.Source == EventSources.Studio)
        {
            return await studio.ProcessAsync(envelope, cancellationToken);
        }

        var task = new TaskContext(envelope);
        if (task.TaskSid.Length == 0)
        {
            return ProcessingOutcome.Skipped($"{envelope.EventType} carries no TaskSid");
        }

        if (Filtered(task) is { } reason)
        {
            return ProcessingOutcome.Skipped(reason);
        }

        var stage = TaskStages.Of(envelope.EventType);
        var noteWanted = stage is not null && noteOptions.Value.StageSet.Contains(stage);
        var createHere = envelope.EventType == ticketOptions.Value.CreateOn;
        if (!noteWanted && !createHere)
        {
            return ProcessingOutcome.Skipped($"nothing to do at {envelope.EventType}");
        }

        var owner = Guid.NewGuid().ToString("N");
        var ledger = await ledgers.LoadAsync(task.TaskSid, cancellationToken);
        if (noteWanted && (ledger.IsNoteDone(stage!) || ledger.IsNoteFailed(stage!)) && !WriteBackOwed(ledger, stage))
        {
            return ProcessingOutcome.Skipped($"the {stage} note is already logged") with { TicketId = ledger.TicketId };
        }

        ledger = await tickets.EnsureAsync(ledger, task, stage, noteWanted ? () => noteBuilder.BuildAsync(task, stage!, cancellationToken) : null, owner, cancellationToken);
        if (ledger.TicketId is null)
        {
            return ProcessingOutcome.Skipped("no ticket: the task names none that can be used and ticket creation is off");
        }

        if (noteWanted && !ledger.IsNoteDone(stage!) && !ledger.IsNoteFailed(stage!))
        {
            ledger = await noteLogger.LogAsync(ledger, task, stage!, owner, null, cancellationToken);
        }
        else if (ledger.PendingTags is { Length: > 0 })
        {
            // Tags owed to a reused ticket normally ride on the next note; with no note here, add them alone.
            ledger = await tickets.AddPendingTagsAsync(ledger, cancellationToken);
        }

        if (WriteBackOwed(ledger, stage))
        {
            ledger = await writeBack.RunAsync(ledger, task, cancellationToken);
        }

        return new ProcessingOutcome(true, $"{envelope.EventType}: ticket {ledger.TicketId} ({ledger.TicketSource}), notes {string.Join(",", ledger.DoneStages.Order())}", ledger.TicketId);
    }

    private bool WriteBackOwed(TaskLedger ledger, string? stage) =>
        flexOptions.Value.WriteBackTaskAttributes && ledger.TicketId is not null && !ledger.WrittenBack && (stage is null || !TaskStages.IsFinal(stage));

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
}
