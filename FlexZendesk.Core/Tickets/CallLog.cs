using System.Globalization;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Twilio;
using FlexZendesk.Core.Zendesk;
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
    /// <summary>
    /// The recording the voice comment plays: the longest of every source (<see cref="CallRecordings"/>: a transfer's legs
    /// may each have one, a dual-channel plugin records beside the call; the note lists all).
    /// </summary>
    public CallRecording? Recording => Recordings.MaxBy(r => r.Duration);

    /// <summary>The call's lines: Twilio's where Twilio knows the call, else the task's attributes.</summary>
    public (string From, string To) Lines(TaskContext task) =>
        (Call?.From ?? task.Attribute("from") ?? "unknown", Call?.To ?? task.Attribute("to") ?? task.Attribute("called") ?? "unknown");

    /// <summary>When the task was made: the event's time less the task's age.</summary>
    public static DateTimeOffset Created(TaskContext task) =>
        int.TryParse(task.Field("TaskAge"), NumberStyles.None, CultureInfo.InvariantCulture, out var age) ? task.OccurredAt.AddSeconds(-age) : task.OccurredAt;

    /// <summary>A UTC time as Zendesk's call APIs take it.</summary>
    public static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>
/// The call in Zendesk at the end of a voice task: the recording as a voice comment the agent plays inside the ticket,
/// or, with <c>Zendesk:TalkAppId</c> (Talk Partner Edition), a call record with its own voice comment
/// (<see cref="CallRecorder"/>); and a call record for a caller who hung up in the queue. Each at most once per task:
/// the voice comment is a ledger stage (see <see cref="NoteLogger.LogVoiceAsync"/>).
/// </summary>
public sealed class CallLog(
    TwilioCalls twilio,
    CallRecordings recordings,
    NoteLogger notes,
    CallRecorder recorder,
    IOptions<NoteOptions> noteOptions,
    IOptions<ZendeskOptions> zendeskOptions)
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

        var all = await recordings.ReadAsync(task, cancellationToken);
        var longest = all.MaxBy(r => r.Duration);
        return new CallFacts(call, all, longest is null ? null : await twilio.TranscriptionAsync(longest.Sid, cancellationToken));
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

        await recorder.RunAsync(session, task, step, facts, cancellationToken);
    }

    private async Task VoiceCommentAsync(LedgerSession session, TaskContext task, CallFacts facts, CancellationToken cancellationToken)
    {
        if (facts.Recording is not { } recording)
        {
            await session.RecordAsync(l => l.MarkNoteSkipped(NoteLogger.VoiceStage, "the call has no recording"), cancellationToken);
            return;
        }

        var (from, to) = facts.Lines(task);
        var started = recording.StartTime ?? facts.Call?.StartTime ?? CallFacts.Created(task).UtcDateTime;
        var voice = new ZendeskVoiceComment(from, to, recording.Mp3, CallFacts.Iso(started), facts.Call?.Duration ?? recording.Duration, AnsweredById: null, facts.Transcript);
        await notes.LogVoiceAsync(session, task, voice, cancellationToken);
    }
}
