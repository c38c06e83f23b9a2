using System.Globalization;
using System.Text;
using System.Text.Json;
using FlexZendesk.Core.Text;
using FlexZendesk.Core.Twilio;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>The text of an internal note: task metadata, recording link, chat transcript at completion, attributes.</summary>
public sealed class NoteBuilder(TwilioRest twilio, IOptions<NoteOptions> notes)
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

    private async Task<IReadOnlyList<string>> RecordingLinksAsync(TaskContext task, string stage, IReadOnlyList<CallRecording>? recordings, CancellationToken cancellationToken)
    {
        if (task.Attribute("conversations.segment_link") is { } segment)
        {
            return [segment];
        }

        // A call's recordings exist once it ended: look them up only at the late stages.
        if (task.CallSid is not { } call || stage is not (TaskStages.Completed or TaskStages.Wrapup))
        {
            return [];
        }

        return recordings is not null ? [.. recordings.Select(r => r.Link)] : await twilio.RecordingLinksAsync(call, cancellationToken);
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
