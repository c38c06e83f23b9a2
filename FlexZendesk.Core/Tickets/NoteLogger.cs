using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Updates of the task's ticket: one internal note per stage (claimed in the ledger, PUT carrying any tags still
/// owed to an existing ticket, marked done), or those tags alone. A claim left by a worker that died is resolved by
/// looking for the note's marker among the ticket's comments before writing again.
/// </summary>
public sealed partial class NoteLogger(IZendeskApi zendesk, FlexZendeskMetrics metrics, ILogger<NoteLogger> logger)
{
    /// <param name="text">The note, built before any Zendesk write (it may need Twilio reads).</param>
    public async Task LogAsync(LedgerSession session, TaskContext task, string stage, string text, CancellationToken cancellationToken)
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

                if (await AlreadyLoggedAsync(ticketId, task.TaskSid, stage, cancellationToken))
                {
                    await MarkDoneAsync(session, stage, cancellationToken);
                    return;
                }
            }

            if (!await session.TryRecordAsync(l => l.ClaimNote(stage, session.NewClaim()), cancellationToken))
            {
                continue;
            }

            var tags = ledger.PendingTags is { Length: > 0 } pending ? pending.Split(',').ToList() : null;
            var update = new ZendeskTicketUpdateBody(new ZendeskTicketUpdate(new ZendeskNewComment(text, Public: false), tags));
            try
            {
                await ApiCall.RequireAsync(() => zendesk.UpdateTicketAsync(ticketId, update, cancellationToken), "Zendesk add note", cancellationToken);
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
                await session.RecordOnOwnClaimAsync(l => l.NoteClaim(stage), l => l.MarkNoteFailed(stage), cancellationToken);
                throw;
            }

            LogNote(logger, stage, ticketId, task.TaskSid);
            metrics.NoteLogged(stage);
            await MarkDoneAsync(session, stage, cancellationToken);
            return;
        }

        throw new RetryableException($"The task ledger kept changing while logging the {stage} note");
    }

    /// <summary>Adds (PUT, never replaces) the tags still owed to a reused ticket when no note carries them.</summary>
    public async Task AddPendingTagsAsync(LedgerSession session, CancellationToken cancellationToken)
    {
        var ledger = session.Ledger;
        var tags = new ZendeskTags([.. ledger.PendingTags!.Split(',')]);
        await ApiCall.RequireAsync(() => zendesk.AddTagsAsync(ledger.TicketId!.Value, tags, cancellationToken), "Zendesk add tags", cancellationToken);
        await session.RecordAsync(l => l.PendingTags = null, cancellationToken);
    }

    private async Task<bool> AlreadyLoggedAsync(long ticketId, string taskSid, string stage, CancellationToken cancellationToken)
    {
        var marker = NoteBuilder.Marker(taskSid, stage);
        var comments = await ApiCall.RequireAsync(() => zendesk.CommentsAsync(ticketId, cancellationToken), "Zendesk list comments", cancellationToken);
        return comments.Comments.Any(c => c.Body?.Contains(marker, StringComparison.Ordinal) == true);
    }

    private static Task MarkDoneAsync(LedgerSession session, string stage, CancellationToken cancellationToken) =>
        session.RecordAsync(l =>
        {
            l.MarkNoteDone(stage);
            l.PendingTags = null;
        }, cancellationToken);

    [LoggerMessage(LogLevel.Information, "Logged the {Stage} note on ticket {TicketId} for task {TaskSid}")]
    private static partial void LogNote(ILogger logger, string stage, long ticketId, string taskSid);

    [LoggerMessage(LogLevel.Warning, "Zendesk refused the {Stage} note on ticket {TicketId} for task {TaskSid}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string stage, long ticketId, string taskSid, string reason);
}
