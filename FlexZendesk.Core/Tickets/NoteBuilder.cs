using System.Globalization;
using System.Text;
using System.Text.Json;
using FlexZendesk.Core.Text;
using FlexZendesk.Core.Twilio;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>The text of an internal note: task metadata, recording link, chat transcript at completion, attributes.</summary>
public sealed class NoteBuilder(TwilioRest twilio, CallRecordings callRecordings, IOptions<NoteOptions> notes)
{
    private const int MaxAttributesChars = 4000;
    private const int MaxTranscriptMessages = 200;

    /// <summary>The last line of every note; finding it in the ticket's comments proves the note was logged.</summary>
    public static string Marker(string taskSid, string stage) => $"[FlexZendesk {taskSid} {stage}]";

    /// <param name="heading">The first line, when not "Twilio Flex task {stage}" (a transfer names both agents).</param>
    /// <param name="recordings">The call's recordings when already read (for the voice comment); else read here when the stage wants them.</param>
    public async Task<string> BuildAsync(TaskContext task, string stage, string? heading, IReadOnlyList<CallRecording>? recordings, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.Append(heading ?? $"Twilio Flex task {TaskStages.Kind(stage)}").Append('\n');
        Line(text, "Task", task.TaskSid);
        Line(text, "Channel", task.Channel);
        Line(text, "Caller", task.From);
        Line(text, "Queue", task.Queue);
        Line(text, "Worker", task.Worker);
        Line(text, stage == TaskStages.Accepted ? "Waited" : "Task age", task.Field("TaskAge") is { } age ? age + " s" : null);
        Line(text, "Reason", task.Field("TaskCompletedReason") ?? task.Field("TaskCanceledReason"));

        if (notes.Value.IncludeRecording)
        {
            foreach (var link in await RecordingLinksAsync(task, stage, recordings, cancellationToken))
            {
                Line(text, "Recording", link);
            }
        }

        if (notes.Value.IncludeChatTranscript && stage == TaskStages.Completed && task.IsChat && task.ConversationSid is { } conversation)
        {
            text.Append("\nTranscript:\n");
            await AppendTranscriptAsync(text, conversation, cancellationToken);
        }

        // No attributes, no heading: an empty object shows nothing.
        if (task.Attributes.ValueKind == JsonValueKind.Object && task.Attributes.EnumerateObject().Any())
        {
            var attributes = RelaxedJson.Write(task.Attributes, indented: true);
            text.Append("\nAttributes:\n").Append(attributes.Length > MaxAttributesChars ? attributes[..MaxAttributesChars] + "\n…(truncated)" : attributes).Append('\n');
        }

        text.Append('\n').Append(Marker(task.TaskSid, stage));
        return Template.Clean(text.ToString(), singleLine: false);
    }

    /// <summary>
    /// The note's recording lines: the task's <c>conversations.segment_link</c> as Flex set it, and at the late stages (a
    /// call's recordings exist once it ended) every recording of the call, the task and the conference, each once.
    /// </summary>
    private async Task<IReadOnlyList<string>> RecordingLinksAsync(TaskContext task, string stage, IReadOnlyList<CallRecording>? recordings, CancellationToken cancellationToken)
    {
        var segment = task.Attribute("conversations.segment_link");
        var links = segment is null ? new List<string>() : [segment];
        if (stage is not (TaskStages.Completed or TaskStages.Wrapup) || !CallRecordings.MayHave(task))
        {
            return links;
        }

        var all = recordings ?? await callRecordings.ReadAsync(task, cancellationToken);
        links.AddRange(all.Where(r => segment?.Contains(r.Sid, StringComparison.Ordinal) != true).Select(r => r.Link));
        return links;
    }

    private async Task AppendTranscriptAsync(StringBuilder text, string conversation, CancellationToken cancellationToken)
    {
        var messages = await twilio.MessagesAsync(conversation, MaxTranscriptMessages, cancellationToken);
        foreach (var message in messages)
        {
            var at = message.DateCreated?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";
            text.Append(CultureInfo.InvariantCulture, $"[{at}] {message.Author}: {message.Body}\n");
        }

        if (messages.Count == 0)
        {
            text.Append("(no messages)\n");
        }
    }

    private static void Line(StringBuilder text, string label, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            text.Append(label).Append(": ").Append(Template.Clean(value, singleLine: true)).Append('\n');
        }
    }
}
