using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Logs one internal note per stage: claim the stage in the ledger, PUT the note (carrying any tags still owed to
/// an existing ticket), mark it done. A claim left by a worker that died is resolved by looking for the note's
/// marker among the ticket's comments before writing again.
/// </summary>
public sealed partial class NoteLogger(
    IZendeskApi zendesk,
    NoteBuilder notes,
    LedgerStore store,
    IOptions<LedgerOptions> ledgerOptions,
    TimeProvider clock,
    FlexZendeskMetrics metrics,
    ILogger<NoteLogger> logger)
{
    /// <param name="body">The note's text; by default the task-metadata note of <see cref="NoteBuilder"/>.</param>
    public async Task<TaskLedger> LogAsync(TaskLedger ledger, TaskContext task, string stage, string owner, Func<Task<string>>? body, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(ledgerOptions.Value.ClaimTimeoutSeconds);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (ledger.IsNoteDone(stage))
            {
                return ledger;
            }

            if (ledger.NoteClaim(stage) is { } claim && claim.Owner != owner)
            {
                if (!claim.IsStale(clock.GetUtcNow(), timeout))
                {
                    ledger = await LedgerWait.UntilAsync(store, task.TaskSid, l => l.IsNoteDone(stage) || l.NoteClaim(stage) is null, clock, $"The {stage} note", cancellationToken);
                    continue;
                }

                if (await AlreadyLoggedAsync(ledger.TicketId!.Value, task.TaskSid, stage, cancellationToken))
                {
                    return await MarkDoneAsync(ledger, stage, cancellationToken);
                }
            }

            var text = body is null ? await notes.BuildAsync(task, stage, cancellationToken) : await body();
            ledger.ClaimNote(stage, new Claim(owner, clock.GetUtcNow()));
            if (!await store.TrySaveAsync(ledger, cancellationToken))
            {
                ledger = await store.LoadAsync(task.TaskSid, cancellationToken);
                continue;
            }

            var tags = ledger.PendingTags is { Length: > 0 } pending ? pending.Split(',').ToList() : null;
            var update = new ZendeskTicketUpdateBody(new ZendeskTicketUpdate(new ZendeskNewComment(text, Public: false), tags));
            try
            {
                await ApiCall.RequireAsync(() => zendesk.UpdateTicketAsync(ledger.TicketId!.Value, update, cancellationToken), "Zendesk add note", cancellationToken);
            }
            catch (RetryableException)
            {
                // Unknown whether Zendesk applied it: make the claim stale so the retry checks for the marker at once.
                ledger.ClaimNote(stage, new Claim(owner, DateTimeOffset.UnixEpoch));
                await store.TrySaveAsync(ledger, cancellationToken);
                throw;
            }
            catch (PermanentException ex)
            {
                LogRejected(logger, stage, ledger.TicketId!.Value, task.TaskSid, ex.Message);
                ledger.MarkNoteFailed(stage);
                await store.TrySaveAsync(ledger, cancellationToken);
                throw;
            }

            LogNote(logger, stage, ledger.TicketId!.Value, task.TaskSid);
            metrics.NoteLogged(stage);
            return await MarkDoneAsync(ledger, stage, cancellationToken);
        }

        throw new RetryableException($"The task ledger kept changing while logging the {stage} note");
    }

    private async Task<bool> AlreadyLoggedAsync(long ticketId, string taskSid, string stage, CancellationToken cancellationToken)
    {
        var marker = NoteBuilder.Marker(taskSid, stage);
        var comments = await ApiCall.RequireAsync(() => zendesk.CommentsAsync(ticketId, cancellationToken), "Zendesk list comments", cancellationToken);
        return comments.Comments.Any(c => c.Body?.Contains(marker, StringComparison.Ordinal) == true);
    }

    private Task<TaskLedger> MarkDoneAsync(TaskLedger ledger, string stage, CancellationToken cancellationToken) =>
        store.UpdateAsync(ledger, l =>
        {
            l.MarkNoteDone(stage);
            l.PendingTags = null;
        }, cancellationToken);

    [LoggerMessage(LogLevel.Information, "Logged the {Stage} note on ticket {TicketId} for task {TaskSid}")]
    private static partial void LogNote(ILogger logger, string stage, long ticketId, string taskSid);

    [LoggerMessage(LogLevel.Warning, "Zendesk refused the {Stage} note on ticket {TicketId} for task {TaskSid}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string stage, long ticketId, string taskSid, string reason);
}
