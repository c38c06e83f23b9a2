using System.Globalization;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Twilio;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>What a voice task's end asks of Zendesk.</summary>
public enum CallStep
{
    /// <summary>The recording as a Tickets API voice comment on the ticket (<c>Notes:VoiceComment</c>).</summary>
    VoiceComment,

    /// <summary>A Talk Partner Edition call record with its voice comment on the ticket (<c>Zendesk:TalkAppId</c>).</summary>
    CallRecord,

    /// <summary>A call record of a caller who hung up before any agent accepted: <c>abandoned_in_queue</c>, no ticket of its own.</summary>
    Abandoned,
}

/// <summary>The call as Twilio has it at the task's end: its lines and times, its recordings, a transcription.</summary>
public sealed record CallFacts(TwilioCall? Call, IReadOnlyList<CallRecording> Recordings, string? Transcript)
{
    /// <summary>The recording the voice comment plays: the longest (a transfer's legs may each have one; the note lists all).</summary>
    public CallRecording? Recording => Recordings.MaxBy(r => r.Duration);
}

/// <summary>
/// The call in Zendesk at the end of a voice task: the recording as a voice comment the agent plays inside the ticket,
/// or, with <c>Zendesk:TalkAppId</c> (Talk Partner Edition), a call record with its own voice comment; and a call
/// record for a caller who hung up in the queue. Each at most once per task: the voice comment is a ledger stage (see
/// <see cref="NoteLogger.LogVoiceAsync"/>); the call record is claimed in the ledger before the create, and a create
/// whose answer was lost is looked for on the ticket (a call id among its voice comments, whose record must carry this
/// call's <c>external_id</c>) before another is made.
/// </summary>
public sealed partial class CallLog(
    IZendeskApi zendesk,
    TwilioRest twilio,
    NoteLogger notes,
    TicketPeople people,
    IOptions<NoteOptions> noteOptions,
    IOptions<ZendeskOptions> zendeskOptions,
    ILogger<CallLog> logger)
{
    /// <summary>What the event asks of the call log, or null: only voice tasks, at completion or (call records) cancellation.</summary>
    public CallStep? Asked(TaskContext task)
    {
        if (task.Channel != "voice" || task.CallSid is null)
        {
            return null;
        }

        var calls = zendeskOptions.Value.TalkAppId is not null;
        return task.Envelope.EventType switch
        {
            "task.completed" => calls ? CallStep.CallRecord : noteOptions.Value.VoiceComment ? CallStep.VoiceComment : null,
            "task.canceled" when calls => CallStep.Abandoned,
            _ => null,
        };
    }

    /// <summary>Whether the step is still to do, judged from the ledger.</summary>
    public static bool Owed(TaskLedger ledger, CallStep step) => step switch
    {
        CallStep.VoiceComment => ledger.TicketId is not null && !ledger.IsNoteSettled(NoteLogger.VoiceStage),
        CallStep.CallRecord => ledger.TicketId is not null && (ledger.CallRecord is null || Claim.Parse(ledger.CallRecord) is not null),
        _ => ledger.AgentHistory.Count == 0 && (ledger.CallRecord is null || Claim.Parse(ledger.CallRecord) is not null),
    };

    /// <summary>Twilio's side of the call, read before any Zendesk write; an abandoned call has no recording to read.</summary>
    public async Task<CallFacts> ReadAsync(TaskContext task, CallStep step, CancellationToken cancellationToken)
    {
        var sid = task.CallSid!;
        var call = await twilio.CallAsync(sid, cancellationToken);
        if (step == CallStep.Abandoned)
        {
            return new CallFacts(call, [], null);
        }

        var recordings = await twilio.RecordingsAsync(sid, cancellationToken);
        var longest = recordings.MaxBy(r => r.Duration);
        return new CallFacts(call, recordings, longest is null ? null : await twilio.TranscriptionAsync(longest.Sid, cancellationToken));
    }

    public async Task RunAsync(LedgerSession session, TaskContext task, CallStep step, CallFacts facts, CancellationToken cancellationToken)
    {
        if (!Owed(session.Ledger, step))
        {
            return;
        }

        if (step == CallStep.VoiceComment)
        {
            await VoiceCommentAsync(session, task, facts, cancellationToken);
            return;
        }

        await CallRecordAsync(session, task, step, facts, cancellationToken);
    }

    private async Task VoiceCommentAsync(LedgerSession session, TaskContext task, CallFacts facts, CancellationToken cancellationToken)
    {
        if (facts.Recording is not { } recording)
        {
            await session.RecordAsync(l => l.MarkNoteSkipped(NoteLogger.VoiceStage, "the call has no recording"), cancellationToken);
            return;
        }

        var (from, to) = Lines(task, facts);
        var started = recording.StartTime ?? facts.Call?.StartTime ?? Created(task).UtcDateTime;
        var voice = new ZendeskVoiceComment(from, to, recording.Mp3, Iso(started), facts.Call?.Duration ?? recording.Duration, AnsweredById: null, facts.Transcript);
        await notes.LogVoiceAsync(session, task, voice, cancellationToken);
    }

    private async Task CallRecordAsync(LedgerSession session, TaskContext task, CallStep step, CallFacts facts, CancellationToken cancellationToken)
    {
        var externalId = task.CallSid!;
        if (Claim.Parse(session.Ledger.CallRecord) is { } claim)
        {
            if (session.IsHeldElsewhere(claim))
            {
                await session.WaitUntilAsync(l => Claim.Parse(l.CallRecord) is not { } c || !session.IsHeldElsewhere(c), "The call record", cancellationToken);
                await RunAsync(session, task, step, facts, cancellationToken);
                return;
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

        if (!await session.TryRecordAsync(l => l.CallRecord = session.NewClaim().ToString(), cancellationToken))
        {
            await RunAsync(session, task, step, facts, cancellationToken);
            return;
        }

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

        var comments = await ApiCall.RequireAsync(() => zendesk.CommentsAsync(ticket, cancellationToken), "Zendesk list comments", cancellationToken);
        var candidates = comments.Comments
            .Select(c => c.Data?.GetValueOrDefault("call_id") is { ValueKind: System.Text.Json.JsonValueKind.Number } id && id.TryGetInt64(out var value) ? value : 0)
            .Where(id => id > 0)
            .Distinct();
        foreach (var id in candidates)
        {
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
        var (from, to) = Lines(task, facts);
        var created = Created(task);
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
            CallStartedAt: Iso(started.UtcDateTime),
            Direction: outbound ? "outbound" : "inbound",
            TicketId: ledger.TicketId,
            AgentId: ledger.AgentId,
            EndUserId: ledger.RequesterId,
            ExternalId: task.CallSid,
            CallEndedAt: Iso(ended.UtcDateTime),
            Duration: facts.Call?.Duration ?? Seconds(ended - started),
            WaitTime: Seconds(waitEnd - created),
            TalkTime: accepted is { } a ? Seconds(ended - a) : null,
            QueueName: task.Queue,
            RecordingUrl: facts.Recording?.Mp3,
            Transcript: facts.Transcript,
            CompletionStatus: step == CallStep.Abandoned ? "abandoned_in_queue" : "completed");
        // The comment section puts the call on the ticket; without a ticket it would make one, which an abandoned call must not.
        var comment = ledger.TicketId is null ? null : new ZendeskCallComment($"{(outbound ? "Outbound call to" : "Inbound call from")} {(outbound ? to : from)}", people.Author(ledger));
        return new ZendeskCallBody(call, comment);
    }

    private static (string From, string To) Lines(TaskContext task, CallFacts facts) =>
        (facts.Call?.From ?? task.Attribute("from") ?? "unknown", facts.Call?.To ?? task.Attribute("to") ?? task.Attribute("called") ?? "unknown");

    /// <summary>When the task was made: the event's time less the task's age.</summary>
    private static DateTimeOffset Created(TaskContext task) =>
        int.TryParse(task.Field("TaskAge"), NumberStyles.None, CultureInfo.InvariantCulture, out var age) ? task.OccurredAt.AddSeconds(-age) : task.OccurredAt;

    private static int Seconds(TimeSpan span) => Math.Max(0, (int)Math.Round(span.TotalSeconds));

    private static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    [LoggerMessage(LogLevel.Information, "Created call record {CallId} for task {TaskSid} ({Status})")]
    private static partial void LogCreated(ILogger logger, long? callId, string taskSid, string? status);

    [LoggerMessage(LogLevel.Warning, "Zendesk refused the call record of task {TaskSid}; not retried: {Reason}")]
    private static partial void LogRefused(ILogger logger, string taskSid, string reason);

    [LoggerMessage(LogLevel.Warning, "The call record of task {TaskSid} (call {CallSid}) may exist: its create's answer was lost and with no ticket it cannot be looked for; not created again")]
    private static partial void LogLost(ILogger logger, string taskSid, string callSid);
}
