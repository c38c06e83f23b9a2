using System.Text.Json;

namespace FlexZendesk.Tests.Contracts;

/// <summary>
/// What the sandbox's answers must carry: the fields the app reads from each operation's 2xx answer (a path per field,
/// <c>[]</c> for each item of a list), and for Twilio nothing its published answer schema does not declare (the sandbox
/// must not invent a field the app could come to rely on).
/// </summary>
internal static class AnswerContract
{
    public static readonly IReadOnlyDictionary<string, string[]> AppReads = new Dictionary<string, string[]>
    {
        ["Zendesk SearchUsers"] = ["users[].id", "users[].role"],
        ["Zendesk CreateOrUpdateUser"] = ["user.id"],
        ["Zendesk CreateTicket"] = ["ticket.id"],
        ["Zendesk ShowTicket"] = ["ticket.id", "ticket.status", "ticket.requester_id", "ticket.tags", "ticket.updated_at", "ticket.assignee_id"],
        ["Zendesk ListTickets"] = ["tickets[].id", "tickets[].external_id"],
        ["Zendesk UpdateTicket"] = ["ticket.id"],
        ["Zendesk ListTicketComments"] = ["comments[].id", "comments[].body", "comments[].public", "comments[].type"],
        ["Zendesk PutTagsTicket"] = ["tags"],
        ["Zendesk TPE CreateCall"] = ["call.id"],
        ["Zendesk TPE ShowCall"] = ["call.id", "call.external_id"],
        ["Twilio FetchTask"] = ["attributes"],
        ["Twilio ListTaskReservation"] = ["reservations[].worker_sid", "reservations[].reservation_status", "meta.key"],
        ["Twilio ListConversationMessage"] = ["messages[].index", "messages[].author", "messages[].body", "messages[].date_created", "meta.key"],
        ["Twilio ListCallRecording"] = ["recordings[].sid", "recordings[].duration", "recordings[].start_time", "recordings[].date_created"],
        ["Twilio ListConferenceRecording"] = ["recordings[].sid", "recordings[].duration", "recordings[].start_time", "recordings[].date_created"],
        ["Twilio FetchRecording"] = ["sid", "duration", "start_time", "call_sid"],
        ["Twilio FetchCall"] = ["from", "to", "direction", "start_time", "end_time", "duration"],
        ["Twilio ListRecordingTranscription"] = ["transcriptions[].status", "transcriptions[].transcription_text"],
        ["Twilio ListEvent"] = ["events[].event_type", "events[].event_date", "events[].resource_sid", "events[].event_data", "meta.key"],
        ["Twilio IAM ValidateToken"] = ["valid"],
    };

    public static IEnumerable<string> Judge(string operation, VendorRequest request)
    {
        if (request.Status is < 200 or > 299 || string.IsNullOrEmpty(request.Answer))
        {
            yield break;
        }

        using var answer = JsonDocument.Parse(request.Answer);
        foreach (var field in AppReads.GetValueOrDefault(operation) ?? [])
        {
            if (!Present(answer.RootElement, field.Split('.')))
            {
                yield return $"{request}: the sandbox's {request.Status} answer lacks '{field}', which the app reads";
            }
        }

        if (request.Api == "twilio" && !operation.StartsWith("Twilio IAM", StringComparison.Ordinal))
        {
            foreach (var field in VendorContracts.Instance.UndeclaredAnswerFields(request))
            {
                yield return $"{request}: the sandbox's answer has '{field}', which {operation}'s published answer does not declare";
            }
        }
    }

    /// <summary>Whether the path names a field present in the answer (in every item of a list; an empty list has nothing to lack).</summary>
    private static bool Present(JsonElement value, ReadOnlySpan<string> path)
    {
        if (path.IsEmpty)
        {
            return true;
        }

        var name = path[0];
        var list = name.EndsWith("[]", StringComparison.Ordinal);
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(list ? name[..^2] : name, out var inner))
        {
            return false;
        }

        if (!list)
        {
            return Present(inner, path[1..]);
        }

        if (inner.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var item in inner.EnumerateArray())
        {
            if (!Present(item, path[1..]))
            {
                return false;
            }
        }

        return true;
    }
}
