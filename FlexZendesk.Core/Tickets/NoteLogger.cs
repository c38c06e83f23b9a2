using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Updates of the task's ticket: one internal note per stage (claimed in the ledger, PUT carrying any tags still
/// owed to an existing ticket, marked done), or those tags alone. A claim left by a worker that died is resolved by
/// looking for the note's marker among the ticket's comments before writing again.
/// </summary>
public sealed partial class NoteLogger(IZendeskApi zendesk, TicketPeople people, TicketUpdates updates, FlexZendeskMetrics metrics, ILogger<NoteLogger> logger)
{
    /// <param name="text">The note, built before any Zendesk write (it may need Twilio reads).</param>
    public Task LogAsync(LedgerSession session, TaskContext task, string stage, string text, CancellationToken cancellationToken)
    {
        var marker = NoteBuilder.Marker(task.TaskSid, stage);
        return WriteOnceAsync(session, task, stage, new ZendeskNewComment(text, Public: false), null, c => c.Body?.Contains(marker, StringComparison.Ordinal) == true, cancellationToken);
    }

    /// <summary>
    /// The call's recording as a voice comment, once per task (ledger stage <see cref="VoiceStage"/>): its own update,
    /// since Zendesk documents a voice comment as an alternative to the written one. Recognised after a crash by its
    /// recording URL among the ticket's voice comments.
    /// </summary>
    public Task LogVoiceAsync(LedgerSession session, TaskContext task, ZendeskVoiceComment voice, CancellationToken cancellationToken) =>
        WriteOnceAsync(session, task, VoiceStage, null, voice, c => c.Type == "VoiceComment" && c.Data?.GetValueOrDefault("recording_url").ToString() == voice.RecordingUrl, cancellationToken);

    /// <summary>The ledger stage of the call's voice comment.</summary>
    public const string VoiceStage = "voice_comment";

    /// <summary>One update carrying <paramref name="comment"/> or <paramref name="voice"/>, written at most once per stage; <paramref name="isOurs"/> finds it among the ticket's comments.</summary>
    private async Task WriteOnceAsync(LedgerSession session, TaskContext task, string stage, ZendeskNewComment? comment, ZendeskVoiceComment? voice, Func<ZendeskComment, bool> isOurs, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var ledger = session.Ledger;
            if (ledger.IsNoteDone(stage))
            {
                return;
            }

            var ticketId = ledger.TicketId!.Value;
            if (ledger.NoteClaim(stage) is { } claim && !session.IsMine(claim))
            {
                if (session.IsHeldElsewhere(claim))
                {
                    await session.WaitUntilAsync(l => l.IsNoteDone(stage) || l.NoteClaim(stage) is null || !session.IsHeldElsewhere(l.NoteClaim(stage)), $"The {stage} note", cancellationToken);
                    continue;
                }

                if (await AlreadyLoggedAsync(ticketId, isOurs, cancellationToken))
                {
                    // Whether the lost update carried the owed tags is unknown: Add Tags sends them again, harmlessly.
                    await MarkDoneAsync(session, stage, null, null, tagsCarried: false, cancellationToken);
                    return;
                }
            }

            var carry = TicketUpdates.CarriesTags(session, stage);
            if (!await session.TryRecordAsync(
                    l =>
                    {
                        l.ClaimNote(stage, session.NewClaim());
                        l.TagsCarrier = carry ? stage : l.TagsCarrier;
                    },
                    cancellationToken))
            {
                continue;
            }

            ledger = session.Ledger;
            var assignee = people.OwedAssignee(ledger);
            var update = new ZendeskTicketUpdate(comment is null ? null : comment with { AuthorId = people.Author(ledger) }, null, assignee, assignee is null ? null : people.Group(task),
                voice is null ? null : voice with { AnsweredById = ledger.AgentId });
            update = carry ? TicketUpdates.WithOwedTags(ledger, update) : update;
            bool tagsCarried;
            try
            {
                (assignee, tagsCarried) = await updates.SendAsync(ticketId, update, task, $"the {stage} note", cancellationToken);
            }
            catch (RetryableException ex) when (ex.NotSent)
            {
                // Never sent (the budget refused it): drop the claim, so the retry writes at once without checking for the marker.
                await session.RecordOnOwnClaimAsync(l => l.NoteClaim(stage), l => l.ReleaseNote(stage), cancellationToken);
                throw;
            }
            catch (RetryableException)
            {
                // Unknown whether Zendesk applied it: make the claim stale so the retry checks for the marker at once.
                await session.RecordOnOwnClaimAsync(l => l.NoteClaim(stage), l => l.ClaimNote(stage, new Claim(session.Owner, DateTimeOffset.UnixEpoch)), cancellationToken);
                throw;
            }
            catch (PermanentException ex)
            {
                LogRejected(logger, stage, ticketId, task.TaskSid, ex.Message);
                await session.RecordOnOwnClaimAsync(l => l.NoteClaim(stage), l =>
                {
                    l.MarkNoteFailed(stage);
                    l.TagsCarrier = l.TagsCarrier == stage ? null : l.TagsCarrier;
                }, cancellationToken);
                throw;
            }

            LogNote(logger, stage, ticketId, task.TaskSid);
            metrics.NoteLogged(TaskStages.Kind(stage));
            await MarkDoneAsync(session, stage, update.AssigneeId, assignee, tagsCarried, cancellationToken);
            return;
        }

        throw new RetryableException($"The task ledger kept changing while logging the {stage} note");
    }

    /// <summary>Whether the ticket owes an update no note is carrying: tags for a reused ticket, or the assignee.</summary>
    public bool OwesUpdate(LedgerSession session) => TicketUpdates.OwesTags(session) || people.OwedAssigneeAlone(session.Ledger) is not null;

    /// <summary>
    /// The tags still owed to a reused ticket (PUT tags: added, never replaced) and the owed assignee (a ticket update),
    /// when no note carries them.
    /// </summary>
    public async Task UpdateOwedAsync(LedgerSession session, TaskContext task, CancellationToken cancellationToken)
    {
        var ledger = session.Ledger;
        var ticketId = ledger.TicketId!.Value;
        if (people.OwedAssigneeAlone(ledger) is { } assignee)
        {
            var carry = ledger.TagsCarrier is null;
            var alone = new ZendeskTicketUpdate(null, null, assignee, people.Group(task));
            var (set, tagsCarried) = await updates.SendAsync(ticketId, carry ? TicketUpdates.WithOwedTags(ledger, alone) : alone, task, "the assignee", cancellationToken);
            await session.RecordAsync(l => TicketUpdates.Assigned(l, assignee, set, carry && l.OwesTags && l.TicketStamp is not null ? tagsCarried : null), cancellationToken);
            if (!TicketUpdates.OwesTags(session))
            {
                return;
            }
        }

        var owed = new ZendeskTags([.. session.Ledger.PendingTags!.Split(',')]);
        await ApiCall.RequireAsync(() => zendesk.AddTagsAsync(ticketId, owed, cancellationToken), "Zendesk add tags", cancellationToken);
        await session.RecordAsync(l => l.PendingTags = null, cancellationToken);
    }

    private async Task<bool> AlreadyLoggedAsync(long ticketId, Func<ZendeskComment, bool> isOurs, CancellationToken cancellationToken)
    {
        return await TicketComments.NewestFirstAsync(zendesk, ticketId, cancellationToken).AnyAsync(isOurs, cancellationToken);
    }

    private static Task MarkDoneAsync(LedgerSession session, string stage, long? owedAssignee, long? setAssignee, bool tagsCarried, CancellationToken cancellationToken) =>
        session.RecordAsync(l =>
        {
            l.MarkNoteDone(stage);
            var carrier = l.TagsCarrier == stage;
            l.TagsCarrier = carrier ? null : l.TagsCarrier;
            TicketUpdates.Assigned(l, owedAssignee, setAssignee, carrier ? tagsCarried : null);
        }, cancellationToken);


    [LoggerMessage(LogLevel.Information, "Logged the {Stage} note on ticket {TicketId} for task {TaskSid}")]
    private static partial void LogNote(ILogger logger, string stage, long ticketId, string taskSid);

    [LoggerMessage(LogLevel.Warning, "Zendesk refused the {Stage} note on ticket {TicketId} for task {TaskSid}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string stage, long ticketId, string taskSid, string reason);
}
