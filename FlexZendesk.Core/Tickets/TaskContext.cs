using System.Globalization;
using System.Text.Json;
using FlexZendesk.Core.Events;

namespace FlexZendesk.Core.Tickets;

/// <summary>A task as one event shows it: the TaskRouter fields and the parsed attributes, with the lookups the integration needs.</summary>
public sealed class TaskContext(FlexEventEnvelope envelope)
{
    public FlexEventEnvelope Envelope { get; } = envelope;

    public string TaskSid => Envelope.TaskSid ?? "";

    public JsonElement Attributes => Envelope.TaskAttributes is { ValueKind: JsonValueKind.Object } attributes ? attributes : default;

    public string? Field(string name) => Envelope.Fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>An attribute by dotted path (<c>conversations.segment_link</c>), as text; null when absent or not a scalar.</summary>
    public string? Attribute(string path)
    {
        if (Attributes.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var node = Attributes;
        foreach (var part in path.Split('.'))
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(part, out node))
            {
                return null;
            }
        }

        return node.ValueKind switch
        {
            JsonValueKind.String => node.GetString(),
            JsonValueKind.Number => node.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => node.GetRawText(),
            _ => null,
        };
    }

    public string Channel => Field("TaskChannelUniqueName") ?? Attribute("channelType") ?? "unknown";

    public string? Queue => Field("TaskQueueName");

    public string? Worker => Field("WorkerName");

    /// <summary>The worker of a <c>reservation.*</c> event; <c>task.*</c> events name none.</summary>
    public string? WorkerSid => Field("WorkerSid");

    /// <summary>
    /// The task as a reservation event of <paramref name="workerSid"/> would show it: a <c>task.*</c> event names no worker,
    /// and the worker learned from TaskRouter stands in (its name and attributes as TaskRouter has them).
    /// </summary>
    public TaskContext ForWorker(string workerSid, string? name, string? attributes) => new(Envelope with
    {
        Fields = new(Envelope.Fields) { ["WorkerSid"] = workerSid, ["WorkerName"] = name ?? "", ["WorkerAttributes"] = attributes ?? "" },
    });

    /// <summary>A top-level worker attribute (<c>email</c>, <c>zendesk_user_id</c>) as text; null when absent or unreadable.</summary>
    public string? WorkerAttribute(string name)
    {
        if (Field("WorkerAttributes") is not { } json)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value)
                ? value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    _ => null,
                }
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>When the event happened by its own clock (<c>TimestampMs</c>, else <c>Timestamp</c>), else when it arrived.</summary>
    public DateTimeOffset OccurredAt =>
        long.TryParse(Field("TimestampMs"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
        : long.TryParse(Field("Timestamp"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? DateTimeOffset.FromUnixTimeSeconds(s)
        : Envelope.ReceivedAt;

    public string? WorkflowSid => Field("WorkflowSid");

    public string? WorkspaceSid => Field("WorkspaceSid");

    /// <summary>The caller's address: <c>from</c>, else <c>caller</c>, else <c>name</c>.</summary>
    public string? From => Attribute("from") ?? Attribute("caller") ?? Attribute("name");

    /// <summary>An E.164 phone number from the caller's address, if it is one.</summary>
    public string? Phone => Contact.Phone(Attribute("from")) ?? Contact.Phone(Attribute("caller")) ?? Contact.Phone(Attribute("name"));

    public string? Email => Contact.Email(Attribute("email")) ?? Contact.Email(Attribute("from"));

    public string? CustomerName => Attribute("customerName") ?? Attribute("customers.name") ?? Attribute("name");

    /// <summary>The ticket number the caller typed in the IVR, when it is a positive number.</summary>
    public long? RequestedTicketId =>
        long.TryParse(Attribute("zd_ticket_id")?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    public bool IsChat => Channel is "chat" or "sms" or "messaging" or "whatsapp" || ConversationSid is not null && Channel != "voice";

    public string? ConversationSid => Attribute("conversationSid") ?? Attribute("conversation_sid");

    public string? CallSid => Attribute("call_sid") ?? Attribute("conference.participants.customer");
}
