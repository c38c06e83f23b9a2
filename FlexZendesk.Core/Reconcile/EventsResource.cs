using System.Globalization;
using System.Text;
using System.Text.Json;
using FlexZendesk.Core.Events;
using Twilio.Rest.Taskrouter.V1.Workspace;

namespace FlexZendesk.Core.Reconcile;

/// <summary>
/// An event of TaskRouter's Events resource as the envelope its Event Callback would have made: the resource's
/// properties under the callback's names (<c>EventType</c>, <c>Sid</c>, <c>ResourceSid</c>, …) and each
/// <c>event_data</c> key in the callback's PascalCase (<c>task_queue_name</c> → <c>TaskQueueName</c>). The envelope's
/// Id is the event Sid, as the callback's, so both paths name the same event.
/// </summary>
public static class EventsResource
{
    public static FlexEventEnvelope ToEnvelope(EventResource e, DateTimeOffset receivedAt)
    {
        var date = DateOf(e) is var known && known != DateTimeOffset.MinValue ? known : receivedAt;
        List<KeyValuePair<string, string>> fields =
        [
            new("EventType", e.EventType ?? ""),
            new("AccountSid", e.AccountSid ?? ""),
            new("WorkspaceSid", e.WorkspaceSid ?? ""),
            new("Sid", e.Sid ?? ""),
            new("ResourceType", e.ResourceType ?? ""),
            new("ResourceSid", e.ResourceSid ?? ""),
            new("EventDescription", e.Description ?? ""),
            new("Timestamp", date.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("TimestampMs", date.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
        ];
        var data = e.EventData?.ToString();
        if (!string.IsNullOrWhiteSpace(data))
        {
            using var document = JsonDocument.Parse(data);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                fields.AddRange(EnvelopeFactory.Flatten(document.RootElement).Select(f => KeyValuePair.Create(PascalCase(f.Key), f.Value)));
            }
        }

        return EnvelopeFactory.Create(EventSources.TaskRouter, fields, EventResource.ToJson(e), receivedAt, idempotencyToken: null);
    }

    /// <summary>When the event happened; <see cref="DateTimeOffset.MinValue"/> when the resource does not say.</summary>
    public static DateTimeOffset DateOf(EventResource e) =>
        e.EventDateMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
        : e.EventDate is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : DateTimeOffset.MinValue;

    /// <summary><c>task_queue_name</c> → <c>TaskQueueName</c>.</summary>
    public static string PascalCase(string snake)
    {
        var text = new StringBuilder(snake.Length);
        foreach (var part in snake.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            text.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
        }

        return text.ToString();
    }
}
