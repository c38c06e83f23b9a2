using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Gives a task exactly one ticket: the caller's <c>zd_ticket_id</c> when it names a usable ticket, otherwise one
/// created by us. The worker that claims the task in the ledger does every Zendesk read and write of the resolution
/// (checking a <c>zd_ticket_id</c>, finding or creating the requester, creating the ticket); concurrent events of the
/// task wait for its result instead of repeating them. The new ticket's exact body is recorded before it is sent, so a
/// retry or a takeover replays the same request under the same Idempotency-Key and Zendesk answers with the same ticket.
/// </summary>
public sealed partial class TicketResolver(
    IZendeskApi zendesk,
    TicketCreator creator,
    TicketPeople people,
    AgentResolver agents,
    IOptions<TicketOptions> options,
    FlexZendeskMetrics metrics,
    ILogger<TicketResolver> logger)
{
    /// <summary>Until the session's ledger holds the ticket, or there is none to have (creation off).</summary>
    /// <param name="note">The current stage's note, carried in a new ticket's first comment (then logged at once).</param>
    public async Task EnsureAsync(LedgerSession session, TaskContext task, string? stage, string? note, CancellationToken cancellationToken)
    {
        var trustCache = true;
        var withPeople = true;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            switch (TicketClaim.Of(session))
            {
                case TicketClaim.State.Resolved:
                    return;
                case TicketClaim.State.Unclaimed or TicketClaim.State.Abandoned:
                    await session.TryRecordAsync(l => l.TicketClaim = session.NewClaim(), cancellationToken);
                    break;
                case TicketClaim.State.HeldElsewhere:
                    await session.WaitUntilAsync(l => l.TicketId is not null || !session.IsHeldElsewhere(l.TicketClaim), "Ticket resolution", cancellationToken);
                    break;
                case TicketClaim.State.BodyRecorded:
                    try
                    {
                        await CreateAsync(session, task, session.Ledger.PendingTicketBody!, cancellationToken);
                        return;
                    }
                    catch (PermanentException ex) when (trustCache && ex.InvalidFields.Contains("requester"))
                    {
                        // A cached requester Zendesk no longer knows (deleted or merged): resolve again, uncached.
                        trustCache = false;
                    }
                    catch (PermanentException ex) when (withPeople && TicketPeople.RefusedPeople(ex))
                    {
                        // The agent (or group) id is no longer one Zendesk takes: the ticket goes in without them, never lost.
                        withPeople = false;
                        await agents.RefusedAsync(task.TaskSid, session.Ledger.WorkerSid, ex.Message, cancellationToken);
                    }

                    await session.ReloadAsync(cancellationToken);
                    break;
                case TicketClaim.State.Claimed:
                    if (!await ResolveUnderClaimAsync(session, task, stage, note, trustCache, withPeople, cancellationToken))
                    {
                        return;
                    }

                    break;
            }
        }

        throw new RetryableException("The task ledger kept changing while resolving its ticket");
    }

    /// <summary>
    /// Holding the claim: records the caller's ticket if usable, or the new ticket's exact body. False when there is
    /// nothing to create (creation off; claim released). A failure releases the claim at once, so the next delivery
    /// resolves afresh instead of waiting out the claim timeout.
    /// </summary>
    private async Task<bool> ResolveUnderClaimAsync(LedgerSession session, TaskContext task, string? stage, string? note, bool trustCache, bool withPeople, CancellationToken cancellationToken)
    {
        try
        {
            // Recorded on the claim, re-applied over other fields' writes (the agent, a pop): a lost save must not cost the call again.
            if (task.RequestedTicketId is { } requested && await UsableAsync(requested, cancellationToken) is { } existing)
            {
                await session.RecordOnOwnClaimAsync(l => l.TicketClaim, l =>
                {
                    l.TicketId = existing.Id;
                    l.TicketSource = "existing";
                    l.RequesterId = existing.RequesterId;
                    l.PendingTags = string.Join(',', creator.Tags(task).Except(existing.Tags ?? []));
                    l.TicketTags = string.Join(',', existing.Tags ?? []);
                    l.TicketStamp = existing.UpdatedAt;
                    l.AssigneeKept = existing.AssigneeId is not null;
                    l.TicketClaim = null;
                }, cancellationToken);
                return true;
            }

            if (!options.Value.CreateTickets)
            {
                LogNotCreating(logger, task.TaskSid);
                await session.RecordAsync(l => l.TicketClaim = null, cancellationToken);
                return false;
            }

            var ledger = session.Ledger;
            var body = await creator.BodyAsync(task, note, withPeople ? people.NewTicketAssignee(ledger) : null, withPeople ? people.Author(ledger) : null, trustCache, cancellationToken);
            await session.RecordOnOwnClaimAsync(l => l.TicketClaim, l =>
            {
                l.PendingTicketBody = body;
                l.PendingTicketStage = note is null ? null : stage;
            }, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is RetryableException or PermanentException && session.Ledger.TicketClaim is not null)
        {
            await ReleaseAsync(session, cancellationToken);
            throw;
        }
    }

    private async Task CreateAsync(LedgerSession session, TaskContext task, string body, CancellationToken cancellationToken)
    {
        ZendeskTicket ticket;
        try
        {
            ticket = await creator.CreateAsync(task.TaskSid, body, cancellationToken);
        }
        catch (RetryableException)
        {
            // Let the next attempt replay at once (same body, same key) instead of waiting out our claim.
            await ReleaseAsync(session, cancellationToken);
            throw;
        }
        catch (PermanentException)
        {
            // Refused for good: drop the claim and its body so a later event can resolve afresh.
            await session.RecordOnOwnClaimAsync(l => l.TicketClaim, Settle, cancellationToken);
            throw;
        }

        var stage = session.Ledger.PendingTicketStage;
        await session.RecordAsync(l =>
        {
            l.TicketId = ticket.Id;
            l.TicketSource = "created";
            l.RequesterId = ticket.RequesterId;
            l.AssigneeId = ticket.AssigneeId;
            if (stage is not null)
            {
                l.MarkNoteDone(stage);
            }

            Settle(l);
        }, cancellationToken);
        if (stage is not null)
        {
            metrics.NoteLogged(TaskStages.Kind(stage));
        }
    }

    /// <summary>Makes this event's claim one any worker may take over at once: its owner failed and says so.</summary>
    private static Task ReleaseAsync(LedgerSession session, CancellationToken cancellationToken) =>
        session.RecordOnOwnClaimAsync(l => l.TicketClaim, l => l.TicketClaim = l.TicketClaim is { } claim ? claim with { Since = DateTimeOffset.UnixEpoch } : null, cancellationToken);

    private static void Settle(TaskLedger ledger)
    {
        ledger.TicketClaim = null;
        ledger.PendingTicketBody = null;
        ledger.PendingTicketStage = null;
    }

    /// <summary>The ticket a caller named, if it exists and can still be updated.</summary>
    private async Task<ZendeskTicket?> UsableAsync(long id, CancellationToken cancellationToken)
    {
        var (ticket, unusable) = await UsableTicket.CheckAsync(zendesk, id, budget: null, cancellationToken);
        if (unusable is not null)
        {
            LogUnknownTicket(logger, id, unusable);
            return null;
        }

        return ticket;
    }

    [LoggerMessage(LogLevel.Information, "zd_ticket_id {TicketId} cannot be used ({Reason}); a new ticket is made if creation is on")]
    private static partial void LogUnknownTicket(ILogger logger, long ticketId, string reason);

    [LoggerMessage(LogLevel.Information, "Task {TaskSid} has no usable zd_ticket_id and Tickets:CreateTickets is off; nothing logged")]
    private static partial void LogNotCreating(ILogger logger, string taskSid);
}
