using System.Text.Json;

namespace FlexZendesk.Core.Events;

/// <summary>
/// One Twilio callback as it travels on the <c>flex-events</c> queue. <see cref="Id"/> is the same for every
/// delivery of the same event, so consumers can recognise duplicates.
/// </summary>
public sealed record FlexEventEnvelope
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    /// <summary>The event <c>Sid</c> when Twilio sent one, otherwise <c>sha256:</c> + a hash of source and fields.</summary>
    public required string Id { get; init; }

    /// <summary><see cref="EventSources.TaskRouter"/> or <see cref="EventSources.Studio"/>.</summary>
    public required string Source { get; init; }

    public required string EventType { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public string? TaskSid { get; init; }

    /// <summary><c>I-Twilio-Idempotency-Token</c> of the delivery, when Twilio sent one.</summary>
    public string? IdempotencyToken { get; init; }

    /// <summary>Every received parameter except a <c>TaskAttributes</c> that parsed (it is in <see cref="TaskAttributes"/>).</summary>
    public Dictionary<string, string> Fields { get; init; } = [];

    /// <summary>The task attributes as JSON, when they were valid JSON.</summary>
    public JsonElement? TaskAttributes { get; init; }

    /// <summary>Why <c>TaskAttributes</c> did not parse; the raw string then stays in <see cref="Fields"/>.</summary>
    public string? TaskAttributesError { get; init; }

    /// <summary>The request body as received, for diagnosis; dropped (see <see cref="RawOmitted"/>) when the message would not fit a queue message.</summary>
    public string? Raw { get; init; }

    public bool RawOmitted { get; init; }

    /// <summary>On a poison message: why its last delivery failed.</summary>
    public string? LastError { get; init; }

    /// <summary>On a poison message: when it was given up.</summary>
    public DateTimeOffset? FailedAt { get; init; }

    /// <summary>W3C <c>traceparent</c> of the span that enqueued it: processing continues that trace.</summary>
    public string? TraceParent { get; init; }

    /// <summary>W3C <c>tracestate</c> that goes with <see cref="TraceParent"/>.</summary>
    public string? TraceState { get; init; }

    /// <summary>Set on a pointer message: the full envelope is in this blob (<c>container/name</c>) because it exceeded a queue message.</summary>
    public string? PayloadBlob { get; init; }
}

public static class EventSources
{
    public const string TaskRouter = "taskrouter";
    public const string Studio = "studio";

    /// <summary>The Flex UI plugin, through <c>/api/flex/tasks/selected</c>.</summary>
    public const string Flex = "flex";

    /// <summary>Event type of a Studio callback that names none in <c>EventType</c>.</summary>
    public const string StudioDefaultEventType = "studio.request";

    /// <summary>Event type of an agent's select reported by the Flex UI plugin (the "selected" stage).</summary>
    public const string FlexSelectedEventType = "task.selected";
}
