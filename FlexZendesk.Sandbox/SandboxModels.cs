namespace FlexZendesk.Sandbox;

// Zendesk and Twilio resources as the sandbox stores them. Serialized snake_case, as both APIs answer.

public sealed class ZdUser
{
    public long Id { get; init; }
    public string Name { get; set; } = "";
    public string? Email { get; set; }
    public string? Phone { get; set; }
    public string? ExternalId { get; set; }
    public string Role { get; set; } = "end-user";
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed class ZdComment
{
    public long Id { get; init; }
    public string Type { get; init; } = "Comment";
    public long AuthorId { get; init; }
    public string Body { get; init; } = "";

    /// <summary>A voice comment's data (<c>from</c>, <c>to</c>, <c>recording_url</c>, …), as Zendesk keeps it; null for text.</summary>
    public System.Text.Json.Nodes.JsonObject? Data { get; init; }
    public bool Public { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed class ZdTicket
{
    public long Id { get; init; }
    public string Subject { get; set; } = "";
    public string Description { get; set; } = "";
    public string Status { get; set; } = "new";
    public long RequesterId { get; set; }
    public long? SubmitterId { get; set; }
    public long? AssigneeId { get; set; }
    public long? GroupId { get; set; }
    public string? ExternalId { get; set; }
    public List<string> Tags { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public List<ZdComment> Comments { get; } = [];
}

public sealed class TwTask
{
    public string Sid { get; init; } = "";
    public string WorkspaceSid { get; init; } = "";
    public string Attributes { get; set; } = "{}";
    public string AssignmentStatus { get; set; } = "assigned";
    public int Version { get; set; }
    public DateTimeOffset DateUpdated { get; set; }

    /// <summary>A write another client makes right after the next read is answered (key/value merged into the attributes).</summary>
    public KeyValuePair<string, string>? ConcurrentWrite { get; set; }
}

public sealed record TwMessage(string Sid, string ConversationSid, string Author, string Body, int Index, DateTimeOffset DateCreated);

/// <param name="CallSid">The call recorded (for a conference's recording, the participant's call, or null).</param>
/// <param name="Transcription">The text of a completed transcription of the recording, if Twilio made one.</param>
/// <param name="ConferenceSid">The conference recorded, for a conference's recording.</param>
public sealed record TwRecording(string Sid, string? CallSid, int Duration, DateTimeOffset DateCreated, string? Transcription = null, string? ConferenceSid = null);

/// <summary>A Flex token the sandbox minted: whose it is and until when it is valid.</summary>
public sealed record FlexTokenGrant(string WorkerSid, string RealmUserId, string Identity, List<string> Roles, DateTimeOffset Expires);

/// <summary>A worker's reservation of a task, as TaskRouter lists it.</summary>
public sealed record TwReservation(string Sid, string WorkerSid, string WorkerName, string Status, DateTimeOffset DateCreated);

/// <summary>A Twilio call: its lines, direction and times (ended once <see cref="Duration"/> is known).</summary>
public sealed record TwCall(string Sid, string From, string To, string Direction, DateTimeOffset StartTime, int? Duration);

/// <summary>One screen pop the display API delivered to an agent's browser: <see cref="Kind"/> <c>ticket</c> or <c>user</c>.</summary>
public sealed record ZdPop(long AgentId, string Kind, long Id, DateTimeOffset At);

/// <summary>
/// One request the sandbox answered, for counting calls in tests and for judging them against the vendors' published
/// descriptions: <see cref="Path"/> as routed (without the optional <c>.json</c> suffix), <see cref="RawPath"/> as sent,
/// <see cref="Query"/> with its leading <c>?</c>.
/// The bodies are kept only with <see cref="SandboxOptions.RecordBodies"/> (the tests turn it on; benchmarks leave it off).
/// </summary>
public sealed record SandboxRequest(string Api, string Method, string Path, int Status, DateTimeOffset At)
{
    public string RawPath { get; init; } = "";
    public string Query { get; init; } = "";
    public string? ContentType { get; init; }
    public string? UserAgent { get; init; }

    /// <summary>For Twilio: which credentials authenticated it, <c>auth-token</c> or <c>api-key</c>.</summary>
    public string? Credential { get; init; }
    public string? Body { get; init; }
    public string? Answer { get; init; }
}

/// <summary>A fault rule: requests whose method and path match get this answer instead of the real one.</summary>
public sealed class FaultRule
{
    /// <summary><c>zendesk</c>, <c>twilio</c> or <c>any</c>.</summary>
    public string Api { get; set; } = "any";
    public string? Method { get; set; }
    public string? PathContains { get; set; }

    /// <summary><c>status</c> (answer <see cref="Status"/>), <c>delay</c> (wait, then answer normally) or <c>drop</c> (abort the connection).</summary>
    public string Mode { get; set; } = "status";
    public int Status { get; set; } = 503;
    public int DelayMs { get; set; }
    public int? RetryAfterSeconds { get; set; }

    /// <summary>For <c>delay</c> and <c>drop</c>: apply it after the request took effect (the answer is late or lost, the change is made).</summary>
    public bool After { get; set; }

    /// <summary>How many requests it applies to; null = until removed.</summary>
    public int? Count { get; set; }

    /// <summary>Chance (0-1] a matching request is affected.</summary>
    public double Probability { get; set; } = 1;
}

/// <summary>One TaskRouter event as the Events resource keeps it: <see cref="Data"/> is <c>event_data</c> (snake_case keys, JSON values).</summary>
public sealed record TwEvent(string Sid, string AccountSid, string WorkspaceSid, string EventType, string? ResourceType, string? ResourceSid, string? Description, DateTimeOffset Date, Dictionary<string, System.Text.Json.Nodes.JsonNode?> Data);
