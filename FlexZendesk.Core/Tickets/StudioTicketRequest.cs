using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Text;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// A Studio "ticket.request" (e.g. a voicemail: caller, recording URL, transcription) seen as a task, so it takes
/// the task path: a ticket, or a note on the ticket the caller named, exactly once per request. Its task key derives
/// from the request's envelope id, so Studio's retries land on the same ledger row.
/// </summary>
public static class StudioTicketRequest
{
    public const string EventType = "ticket.request";
    public const string Stage = "request";
    private static readonly HashSet<string> Known = ["EventType", "From", "Caller", "Name", "Email", "zd_ticket_id", "zdCustomTags", "Channel", "RecordingUrl", "TranscriptionText"];

    /// <summary>The request as a task: its attributes from the caller's fields, its note from everything it carries.</summary>
    public static (TaskContext Task, string Note) ToTask(FlexEventEnvelope envelope)
    {
        string? Field(string name) => envelope.Fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        var attributes = new JsonObject
        {
            ["from"] = Field("From") ?? Field("Caller"),
            ["name"] = Field("Name"),
            ["email"] = Field("Email"),
            ["zd_ticket_id"] = Field("zd_ticket_id"),
            ["zdCustomTags"] = Field("zdCustomTags"),
        };
        var key = "studio-" + Hashes.Sha256Hex(envelope.Id, 32);
        var task = new TaskContext(envelope with
        {
            TaskSid = key,
            Fields = new() { ["TaskChannelUniqueName"] = Field("Channel") ?? "voicemail" },
            TaskAttributes = JsonSerializer.SerializeToElement(attributes, CoreJsonContext.Default.JsonObject),
        });
        return (task, Note(envelope, key));
    }

    private static string Note(FlexEventEnvelope envelope, string key)
    {
        var text = new StringBuilder("Twilio Studio ticket request\n");
        foreach (var (label, name) in new[] { ("Caller", "From"), ("Recording", "RecordingUrl"), ("Transcription", "TranscriptionText") })
        {
            if (envelope.Fields.TryGetValue(name, out var value) && value.Length > 0)
            {
                text.Append(label).Append(": ").Append(value).Append('\n');
            }
        }

        foreach (var (name, value) in envelope.Fields.Where(f => !Known.Contains(f.Key)).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            text.Append(name).Append(": ").Append(value).Append('\n');
        }

        text.Append('\n').Append(NoteBuilder.Marker(key, Stage));
        return Template.Clean(text.ToString(), singleLine: false);
    }
}
