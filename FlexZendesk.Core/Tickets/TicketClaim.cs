using FlexZendesk.Core.Ledger;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// The states of a task's ticket claim, as one event's processing sees the ledger; <see cref="TicketResolver"/> moves
/// from each to the next until the ledger holds the ticket.
/// </summary>
internal static class TicketClaim
{
    /// <summary>Where the task's ticket stands.</summary>
    public enum State
    {
        /// <summary>The ledger holds the ticket.</summary>
        Resolved,

        /// <summary>Nobody resolves it yet: claim it, then call Zendesk (a concurrent event waits for the result).</summary>
        Unclaimed,

        /// <summary>Another worker's fresh claim: wait for its result.</summary>
        HeldElsewhere,

        /// <summary>The new ticket's exact body is recorded: create it, or replay the create under the same key.</summary>
        BodyRecorded,

        /// <summary>The claim of a worker that died before recording anything: take it over.</summary>
        Abandoned,

        /// <summary>This event's own claim: check the named ticket, or record the new ticket's body.</summary>
        Claimed,
    }

    public static State Of(LedgerSession session) => session.Ledger switch
    {
        { TicketId: not null } => State.Resolved,
        { TicketClaim: null } => State.Unclaimed,
        { TicketClaim: var claim } when session.IsHeldElsewhere(claim) => State.HeldElsewhere,
        { PendingTicketBody: not null } => State.BodyRecorded,
        { TicketClaim: var claim } when !session.IsMine(claim!) => State.Abandoned,
        _ => State.Claimed,
    };
}
