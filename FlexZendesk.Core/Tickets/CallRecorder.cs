using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Talk Partner Edition call records (<c>Zendesk:TalkAppId</c>): a completed call's, with its voice comment on the
/// ticket, and an abandoned call's (<c>abandoned_in_queue</c>, no ticket). At most once per task: claimed in the ledger
/// before the create, and a create whose answer was lost is looked for on the ticket (a call id among its voice
/// comments, whose record must carry this call's <c>external_id</c>) before another is made.
/// </summary>
public sealed partial class CallRecorder(
    IZendeskApi zendesk,
    IOptions<ZendeskOptions> zendeskOptions,
    ILogger<CallRecorder> logger)
{
    /// <summary>The call record of <paramref name="step"/> (a completed or an abandoned call), unless the ledger has it settled.</summary>
    public async Task RunAsync(LedgerSession session, TaskContext task, CallStep step, CallFacts facts, CancellationToken cancellationToken)
    {
        var externalId = task.CallSid!;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (!CallLog.Owed(session.Ledger, step))
            {
                return;
            }

            if (Claim.Parse(session.Ledger.CallRecord) is { } claim)
            {
                if (session.IsHeldElsewhere(claim))
                {
                    await session.WaitUntilAsync(l => Claim.Parse(l.CallRecord) is not { } c || !session.IsHeldElsewhere(c), "The call record", cancellationToken);
                    continue;
                }

                // A create whose answer was lost: find the record before making another.
                if (await FindAsync(session.Ledger, externalId, cancellationToken) is { } found)
                {
                    await session.RecordAsync(l => (l.CallRecord, l.CallRecordId) = ("done", found), cancellationToken);
                    return;
                }

                if (session.Ledger.TicketId is null)
                {
                    LogLost(logger, task.TaskSid, externalId);
                    await session.RecordAsync(l => l.CallRecord = "unknown: the create's answer was lost and, with no ticket, the record cannot be looked for; not created again", cancellationToken);
                    return;
                }
            }

            if (await session.TryRecordAsync(l => l.CallRecord = session.NewClaim().ToString(), cancellationToken))
            {
                await CreateAsync(session, task, step, facts, cancellationToken);
                return;
            }
        }

        throw new RetryableException("The task ledger kept changing while logging its call record");
    }

    /// <summary>Creates the record under this event's claim; a lost answer leaves a stale claim, so the retry looks for it first.</summary>
    private async Task CreateAsync(LedgerSession session, TaskContext task, CallStep step, CallFacts facts, CancellationToken cancellationToken)
    {
        var body = Record(task, session.Ledger, step, facts);
        ZendeskCallResult created;
        try
        {
            var response = await ApiCall.SendAsync(() => zendesk.CreateCallAsync(body, cancellationToken), "Zendesk create call", cancellationToken);
            if (response.StatusCode is System.Net.HttpStatusCode.PaymentRequired or System.Net.HttpStatusCode.Forbidden)
            {
                // The account has no Talk Partner Edition (or the API user may not use it): asking again will not change it.
                throw new PermanentException($"HTTP {(int)response.StatusCode}: the account refuses call records (Talk Partner Edition needed)");
            }

            created = response.IsSuccessStatusCode && response.Content is not null ? response.Content : throw ApiCall.Failure(response, "Zendesk create call");
        }
        catch (RetryableException ex) when (ex.NotSent)
        {
            await session.RecordAsync(l => l.CallRecord = null, cancellationToken);
            throw;
        }
        catch (RetryableException)
        {
            // Unknown whether Zendesk made it: a stale claim makes the retry look for it first.
            await session.RecordAsync(l => l.CallRecord = new Claim(session.Owner, DateTimeOffset.UnixEpoch).ToString(), cancellationToken);
            throw;
        }
        catch (PermanentException ex)
        {
            LogRefused(logger, task.TaskSid, ex.Message);
            await session.RecordAsync(l => l.CallRecord = "failed: " + ex.Message, cancellationToken);
            return;
        }

        LogCreated(logger, created.Call.Id, task.TaskSid, body.Call.CompletionStatus);
        await session.RecordAsync(l => (l.CallRecord, l.CallRecordId) = ("done", created.Call.Id), cancellationToken);
    }

    /// <summary>
    /// The call record a lost create made, if it can be found: the Calls API has no search, so the ticket's voice comments
    /// name candidate call ids, and a candidate counts only if its record carries this call's <c>external_id</c>.
    /// </summary>
    private async Task<long?> FindAsync(TaskLedger ledger, string externalId, CancellationToken cancellationToken)
    {
        if (ledger.TicketId is not { } ticket)
        {
            return null;
        }

        var seen = new HashSet<long>();
        await foreach (var comment in TicketComments.NewestFirstAsync(zendesk, ticket, cancellationToken))
        {
            if (comment.Data?.GetValueOrDefault("call_id") is not { ValueKind: System.Text.Json.JsonValueKind.Number } callId || !callId.TryGetInt64(out var id) || id <= 0 || !seen.Add(id))
            {
                continue;
            }

            var record = await ApiCall.RequireAsync(() => zendesk.GetCallAsync(id, cancellationToken), "Zendesk show call", cancellationToken);
            if (record.Call.ExternalId == externalId)
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>The call record: Twilio's lines and times where Twilio knows the call, else the task's.</summary>
    private ZendeskCallBody Record(TaskContext task, TaskLedger ledger, CallStep step, CallFacts facts)
    {
        var (from, to) = facts.Lines(task);
        var created = CallFacts.Created(task);
        var started = facts.Call?.StartTime is { } start ? new DateTimeOffset(start, TimeSpan.Zero) : created;
        var ended = facts.Call?.EndTime is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : task.OccurredAt;
        var accepted = ledger.AcceptedAt is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
        var waitEnd = accepted ?? ended;
        var outbound = (facts.Call?.Direction ?? task.Attribute("direction"))?.StartsWith("outbound", StringComparison.OrdinalIgnoreCase) == true;
        var call = new ZendeskCall(
            Id: null,
            AppId: zendeskOptions.Value.TalkAppId!.Value,
            FromLine: from,
            ToLine: to,
            CallStartedAt: CallFacts.Iso(started.UtcDateTime),
            Direction: outbound ? "outbound" : "inbound",
            TicketId: ledger.TicketId,
            AgentId: ledger.AgentId,
            EndUserId: ledger.RequesterId,
            ExternalId: task.CallSid,
            CallEndedAt: CallFacts.Iso(ended.UtcDateTime),
            Duration: facts.Call?.Duration ?? Seconds(ended - started),
            WaitTime: Seconds(waitEnd - created),
            TalkTime: accepted is { } a ? Seconds(ended - a) : null,
            QueueName: task.Queue,
            RecordingUrl: facts.Recording?.Mp3,
            Transcript: facts.Transcript,
            CompletionStatus: step == CallStep.Abandoned ? "abandoned_in_queue" : "completed");
        // The comment section puts the call on the ticket; without a ticket it would make one, which an abandoned call must not.
        var comment = ledger.TicketId is null ? null : new ZendeskCallComment($"{(outbound ? "Outbound call to" : "Inbound call from")} {(outbound ? to : from)}", ZendeskCallComment.Fields);
        return new ZendeskCallBody(call, comment);
    }

    private static int Seconds(TimeSpan span) => Math.Max(0, (int)Math.Round(span.TotalSeconds));

    [LoggerMessage(LogLevel.Information, "Created call record {CallId} for task {TaskSid} ({Status})")]
    private static partial void LogCreated(ILogger logger, long? callId, string taskSid, string? status);

    [LoggerMessage(LogLevel.Warning, "Zendesk refused the call record of task {TaskSid}; not retried: {Reason}")]
    private static partial void LogRefused(ILogger logger, string taskSid, string reason);

    [LoggerMessage(LogLevel.Warning, "The call record of task {TaskSid} (call {CallSid}) may exist: its create's answer was lost and with no ticket it cannot be looked for; not created again")]
    private static partial void LogLost(ILogger logger, string taskSid, string callSid);
}
