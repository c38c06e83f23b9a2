using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// A Studio "ticket.request" (e.g. a voicemail: caller, recording URL, transcription) becomes a ticket, or a note
/// on the ticket the caller named, exactly once per request: it runs the task path under a key derived from the
/// request's envelope id, so Studio's retries land on the same ledger row.
/// </summary>
public sealed class StudioTicketRequests(LedgerStore store, TicketResolver tickets, NoteLogger notes)
{
    public const string EventType = "ticket.request";
    private const string Stage = "request";
    private static readonly HashSet<string> Known = ["EventType", "From", "Caller", "Name", "Email", "zd_ticket_id", "zdCustomTags", "Channel", "RecordingUrl", "TranscriptionText"];

    public async Task<ProcessingOutcome> ProcessAsync(FlexEventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.EventType != EventType)
        {
            return ProcessingOutcome.Skipped($"Studio {envelope.EventType} needs no Zendesk effect (only {EventType} does)");
        }

        var task = new TaskContext(Synthetic(envelope));
        var owner = Guid.NewGuid().ToString("N");
        var ledger = await store.LoadAsync(task.TaskSid, cancellationToken);
        if (ledger.IsNoteDone(Stage) || ledger.IsNoteFailed(Stage))
        {
            return ProcessingOutcome.Skipped("this Studio request is already logged") with { TicketId = ledger.TicketId };
        }

        Task<string> Note() => Task.FromResult(Body(envelope, task.TaskSid));
        ledger = await tickets.EnsureAsync(ledger, task, Stage, Note, owner, cancellationToken);
        if (ledger.TicketId is null)
        {
            return ProcessingOutcome.Skipped("no ticket: none named and ticket creation is off");
        }

        if (!ledger.IsNoteDone(Stage))
        {
            ledger = await notes.LogAsync(ledger, task, Stage, owner, Note, cancellationToken);
        }

        return new ProcessingOutcome(true, $"Studio {EventType}: ticket {ledger.TicketId} ({ledger.TicketSource})", ledger.TicketId);
    }

    private static FlexEventEnvelope Synthetic(FlexEventEnvelope envelope)
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
        var key = "studio-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(envelope.Id)))[..32];
        return envelope with
        {
            TaskSid = key,
            Fields = new() { ["TaskChannelUniqueName"] = Field("Channel") ?? "voicemail" },
            TaskAttributes = JsonSerializer.SerializeToElement(attributes, CoreJsonContext.Default.JsonObject),
        };
    }

    private static string Body(FlexEventEnvelope envelope, string key)
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
