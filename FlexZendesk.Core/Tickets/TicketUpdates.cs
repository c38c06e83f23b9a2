using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// One update of the task's ticket as Zendesk takes it: the tags owed to a reused ticket as a safe update, the fallbacks
/// when Zendesk refuses it (409: without the tags; the agent or group refused: without them), and what the ledger
/// records after it. The note, the voice comment and the owed assignee are all sent through it.
/// </summary>
public sealed partial class TicketUpdates(IZendeskApi zendesk, ILogger<TicketUpdates> logger)
{
    /// <summary>
    /// Whether the update of <paramref name="stage"/>'s note carries the owed tags: they are owed, their stamp is known, and
    /// no other note of the task is carrying them (a carrier whose claim went stale gives them up).
    /// </summary>
    public static bool CarriesTags(LedgerSession session, string stage)
    {
        var ledger = session.Ledger;
        return ledger.OwesTags && ledger.TicketStamp is not null
            && (ledger.TagsCarrier is not { } carrier || carrier == stage || !session.IsHeldElsewhere(ledger.NoteClaim(carrier)));
    }

    /// <summary>Whether this event still owes the tags itself: owed, and no other event's note is carrying them now.</summary>
    public static bool OwesTags(LedgerSession session) =>
        session.Ledger.OwesTags && !(session.Ledger.TagsCarrier is { } carrier && session.IsHeldElsewhere(session.Ledger.NoteClaim(carrier)));

    /// <summary>
    /// The update with the tags owed to a reused ticket, when the ledger has the ticket's tags and stamp as read: the
    /// union of both as a safe update (Update Ticket replaces tags; a 409 says the ticket changed since the read).
    /// Without them (a row from before they were kept), no tags: Add Tags sends them after.
    /// </summary>
    public static ZendeskTicketUpdate WithOwedTags(TaskLedger ledger, ZendeskTicketUpdate update) =>
        ledger.OwesTags && ledger.TicketStamp is { } stamp
            ? update with { Tags = [.. (ledger.TicketTags ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Union(ledger.PendingTags!.Split(','))], SafeUpdate = true, UpdatedStamp = stamp }
            : update;

    /// <summary>
    /// One ticket update. A safe update refused with 409 (the ticket changed since its tags were read) goes again without
    /// the tags, which Add Tags sends after: the note does not wait on them. When Zendesk refuses the agent or group ids in
    /// it (not the update itself), once more without them: the note goes in under the API user, unassigned, and a Warning
    /// says why.
    /// </summary>
    /// <returns>The assignee the ticket now has from this update (null when refused), and whether the owed tags went in with it.</returns>
    public async Task<(long? Assignee, bool TagsCarried)> SendAsync(long ticketId, ZendeskTicketUpdate update, TaskContext task, string what, CancellationToken cancellationToken)
    {
        var response = await PutAsync(ticketId, update, cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.Conflict && update.SafeUpdate == true)
        {
            LogStale(logger, ticketId, task.TaskSid);
            update = update with { Tags = null, SafeUpdate = null, UpdatedStamp = null };
            response = await PutAsync(ticketId, update, cancellationToken);
        }

        if (response.IsSuccessStatusCode)
        {
            return (update.AssigneeId, update.Tags is not null);
        }

        var failure = ApiCall.Failure(response, "Zendesk update ticket");
        if (failure is not PermanentException refusal || !TicketPeople.RefusedPeople(refusal)
            || (update.Comment?.AuthorId ?? update.VoiceComment?.AnsweredById ?? update.AssigneeId ?? update.GroupId) is null)
        {
            throw failure;
        }

        LogPeopleRefused(logger, what, ticketId, task.TaskSid, refusal.Message);
        var plain = update with
        {
            Comment = update.Comment is { } comment ? comment with { AuthorId = null } : null,
            VoiceComment = update.VoiceComment is { } voice ? voice with { AnsweredById = null } : null,
            AssigneeId = null,
            GroupId = null,
        };
        if (plain.Comment is null && plain.VoiceComment is null && plain.Tags is null)
        {
            return (null, false);
        }

        var again = await PutAsync(ticketId, plain, cancellationToken);
        return again.IsSuccessStatusCode ? (null, plain.Tags is not null) : throw ApiCall.Failure(again, "Zendesk update ticket");
    }

    private Task<Refit.IApiResponse<ZendeskTicketResult>> PutAsync(long ticketId, ZendeskTicketUpdate update, CancellationToken cancellationToken) =>
        ApiCall.SendAsync(() => zendesk.UpdateTicketAsync(ticketId, new ZendeskTicketUpdateBody(update), cancellationToken), "Zendesk update ticket", cancellationToken);

    /// <summary>
    /// After an update that owed <paramref name="owed"/> as assignee: it is set, or Zendesk refused it and it is not ours
    /// to set. <paramref name="tags"/>: null when the update was not the tags' carrier; true when it carried them (paid);
    /// false when it was to carry them and Zendesk refused the safe update (409: the stamp is stale, Add Tags adds them).
    /// </summary>
    public static void Assigned(TaskLedger ledger, long? owed, long? set, bool? tags)
    {
        if (tags == true)
        {
            ledger.PendingTags = null;
        }
        else if (tags == false)
        {
            ledger.TicketStamp = null;
        }

        if (owed is null)
        {
            return;
        }

        if (set is not null)
        {
            ledger.AssigneeId = set;
        }
        else
        {
            ledger.AssigneeKept = true;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Zendesk refused the agent or group on {What} of ticket {TicketId} (task {TaskSid}); sent under the API user, unassigned: {Reason}")]
    private static partial void LogPeopleRefused(ILogger logger, string what, long ticketId, string taskSid, string reason);

    [LoggerMessage(LogLevel.Information, "Ticket {TicketId} changed since its tags were read (task {TaskSid}): the update goes without them, Add Tags adds them")]
    private static partial void LogStale(ILogger logger, long ticketId, string taskSid);
}
