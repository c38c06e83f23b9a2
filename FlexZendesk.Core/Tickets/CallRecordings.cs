using System.Text.RegularExpressions;
using FlexZendesk.Core.Twilio;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Every recording of a voice task, wherever Flex made it: the call's own (<c>Calls/{CA}/Recordings</c>); the ones the
/// task's attributes name (Flex's native recording and the dual-channel recording plugins put the recording in
/// <c>conversations.segment_link</c> and <c>conversations.media[]</c>: each <c>RE…</c> there is read through
/// <c>Recordings/{RE}</c> for its start and length); and the conference's (<c>Conferences/{CF}/Recordings</c>, the task's
/// <c>conference.sid</c>). The one reader of recordings for the note, the voice comment and the call record.
/// </summary>
public sealed partial class CallRecordings(TwilioCalls twilio)
{
    /// <summary>The task's recordings, each once, oldest first; none when it names no call, recording or conference.</summary>
    public async Task<IReadOnlyList<CallRecording>> ReadAsync(TaskContext task, CancellationToken cancellationToken)
    {
        var found = new List<CallRecording>();
        if (task.CallSid is { } call)
        {
            found.AddRange(await twilio.RecordingsAsync(call, cancellationToken));
        }

        foreach (var sid in Named(task).Where(sid => found.All(r => r.Sid != sid)))
        {
            if (await twilio.RecordingAsync(sid, cancellationToken) is { } named)
            {
                found.Add(named);
            }
        }

        if (task.Attribute("conference.sid") is { } conference && conference.StartsWith("CF", StringComparison.Ordinal))
        {
            found.AddRange((await twilio.ConferenceRecordingsAsync(conference, cancellationToken)).Where(r => found.All(f => f.Sid != r.Sid)));
        }

        return [.. found.OrderBy(r => r.StartTime)];
    }

    /// <summary>Whether the task can have a recording to read: it names a call, a recording or a conference.</summary>
    public static bool MayHave(TaskContext task) =>
        task.CallSid is not null || Named(task).Any() || task.Attribute("conference.sid") is not null;

    /// <summary>The recording SIDs the task's attributes name in <c>conversations.segment_link</c> and <c>conversations.media</c>.</summary>
    public static IReadOnlyList<string> Named(TaskContext task)
    {
        if (task.Attributes.ValueKind != System.Text.Json.JsonValueKind.Object
            || !task.Attributes.TryGetProperty("conversations", out var conversations)
            || conversations.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return [];
        }

        var text = string.Concat(
            conversations.TryGetProperty("segment_link", out var link) ? link.GetRawText() : "",
            conversations.TryGetProperty("media", out var media) ? media.GetRawText() : "");
        return [.. RecordingSid().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal)];
    }

    [GeneratedRegex("RE[0-9a-fA-F]{32}", RegexOptions.CultureInvariant)]
    private static partial Regex RecordingSid();
}
