using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FlexZendesk.Core.Events;

/// <summary>Builds envelopes: from the parameters of a verified Twilio callback, and from an agent's select the Flex UI plugin reported.</summary>
public static class EnvelopeFactory
{
    private const string AttributesField = "TaskAttributes";
    // Below the serializer's 64: the envelope nests the attributes one level deeper when it is written.
    private const int MaxAttributeDepth = 48;
    private static readonly JsonDocumentOptions AttributesParsing = new() { MaxDepth = MaxAttributeDepth };

    public static FlexEventEnvelope Create(
        string source,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        string raw,
        DateTimeOffset receivedAt,
        string? idempotencyToken)
    {
        var fields = new Dictionary<string, string>(parameters.Count, StringComparer.Ordinal);
        foreach (var (key, value) in parameters)
        {
            // Twilio sends each key once; a repeated key (possible from Studio) keeps every value.
            fields[key] = fields.TryGetValue(key, out var existing) ? existing + "," + value : value;
        }

        JsonElement? attributes = null;
        string? attributesError = null;
        if (fields.TryGetValue(AttributesField, out var attributesText))
        {
            (attributes, attributesError) = ParseAttributes(attributesText);
            if (attributes is not null)
            {
                fields.Remove(AttributesField);
            }
        }

        var eventType = Value(fields, "EventType")
            ?? (source == EventSources.Studio ? EventSources.StudioDefaultEventType : "");
        return new FlexEventEnvelope
        {
            Id = Value(fields, "Sid") ?? StableId(source, fields, attributes),
            Source = source,
            EventType = eventType,
            ReceivedAt = receivedAt,
            TaskSid = Value(fields, "TaskSid"),
            IdempotencyToken = string.IsNullOrEmpty(idempotencyToken) ? null : idempotencyToken,
            Fields = fields,
            TaskAttributes = attributes,
            TaskAttributesError = attributesError,
            Raw = raw,
        };
    }

    /// <summary>
    /// An agent's select as a queued event: the worker from their validated Flex token, the task's attributes as
    /// TaskRouter holds them (never from the plugin's body). Its id makes one "selected" note per task and agent,
    /// however often the agent selects it.
    /// </summary>
    public static FlexEventEnvelope Selected(
        string taskSid, string workerSid, string workerName, string? workspaceSid, string? channel, string? queueName,
        string? taskAttributes, DateTimeOffset receivedAt)
    {
        Dictionary<string, string> fields = new(StringComparer.Ordinal) { ["TaskSid"] = taskSid, ["WorkerSid"] = workerSid, ["WorkerName"] = workerName };
        foreach (var (key, value) in new[] { ("WorkspaceSid", workspaceSid), ("TaskChannelUniqueName", channel), ("TaskQueueName", queueName) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                fields[key] = value;
            }
        }

        return new FlexEventEnvelope
        {
            Id = SelectedId(taskSid, workerSid),
            Source = EventSources.Flex,
            EventType = EventSources.FlexSelectedEventType,
            ReceivedAt = receivedAt,
            TaskSid = taskSid,
            Fields = fields,
            TaskAttributes = taskAttributes is { Length: > 0 } json ? JsonDocument.Parse(json).RootElement.Clone() : null,
        };
    }

    /// <summary>The id of an agent's select event: one per task and agent.</summary>
    public static string SelectedId(string taskSid, string workerSid) => $"selected:{taskSid}:{workerSid}";

    /// <summary>Top-level JSON properties as parameters: strings as they are, anything else as its JSON text.</summary>
    public static List<KeyValuePair<string, string>> Flatten(JsonElement body)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value.ValueKind == JsonValueKind.String
                ? property.Value.GetString() ?? ""
                : property.Value.GetRawText();
            list.Add(new(property.Name, value));
        }

        return list;
    }

    private static (JsonElement?, string?) ParseAttributes(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text, AttributesParsing);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return (null, $"TaskAttributes is not valid JSON: {ex.Message}");
        }
    }

    private static string? Value(Dictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    private static string StableId(string source, Dictionary<string, string> fields, JsonElement? attributes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, source);
        foreach (var key in fields.Keys.Order(StringComparer.Ordinal))
        {
            Append(hash, key);
            Append(hash, fields[key]);
        }

        if (attributes is { } parsed)
        {
            Append(hash, parsed.GetRawText());
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // Length-prefixed so that ("ab","c") and ("a","bc") hash differently.
    private static void Append(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[sizeof(int)];
        BitConverter.TryWriteBytes(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
