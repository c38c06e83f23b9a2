namespace FlexZendesk.Core.Zendesk;

// Wire types of the Zendesk Support API (snake_case via ZendeskJsonContext). Only the fields FlexZendesk uses.

/// <param name="Role"><c>end-user</c>, <c>agent</c> or <c>admin</c>: only the last two can be assigned or author as an agent.</param>
public sealed record ZendeskUser(long Id, string? Name, string? Email, string? Phone, string? ExternalId, string? Role = null);

public sealed record ZendeskUserBody(ZendeskNewUser User);

public sealed record ZendeskNewUser(string Name, string? Email, string? Phone, string? ExternalId);

public sealed record ZendeskUserResult(ZendeskUser User);

public sealed record ZendeskUsers(List<ZendeskUser> Users);

/// <param name="Type"><c>Comment</c>, <c>VoiceComment</c> (Tickets API), or a Talk Partner Edition voice comment's type.</param>
/// <param name="Data">A voice comment's call data (<c>recording_url</c>, a call record's <c>call_id</c>…); null for text.</param>
public sealed record ZendeskComment(long Id, string? Body, bool Public, string? Type = null, Dictionary<string, System.Text.Json.JsonElement>? Data = null);

public sealed record ZendeskComments(List<ZendeskComment> Comments, ZendeskCursor? Meta = null);

/// <summary>Cursor paging's <c>meta</c>: whether another page follows, and the cursor that asks for it.</summary>
public sealed record ZendeskCursor(bool HasMore, string? AfterCursor);

/// <param name="AuthorId">The agent the comment is by; null: the API user.</param>
public sealed record ZendeskNewComment(string Body, bool Public, long? AuthorId = null);

/// <param name="UpdatedAt">Kept as Zendesk wrote it: sent back unchanged as a safe update's <c>updated_stamp</c>.</param>
public sealed record ZendeskTicket(long Id, string? Subject, string? Status, long? RequesterId, string? ExternalId, List<string>? Tags, string? UpdatedAt, long? AssigneeId = null);

public sealed record ZendeskTicketResult(ZendeskTicket Ticket);

public sealed record ZendeskTickets(List<ZendeskTicket> Tickets);

public sealed record ZendeskNewTicket(
    string Subject, ZendeskNewComment Comment, long? RequesterId, List<string> Tags, string ExternalId,
    long? AssigneeId = null, long? SubmitterId = null, long? GroupId = null);

public sealed record ZendeskNewTicketBody(ZendeskNewTicket Ticket);

/// <summary>
/// An update: an internal note or a voice comment (Zendesk documents the voice comment as an alternative to the written
/// one, so an update carries one of them), optionally the assignee and group, and the ticket's whole tag list.
/// Update Ticket replaces the tags it is sent (<c>additional_tags</c> is Update Many's alone), so <see cref="Tags"/> goes
/// out only as a safe update: the tags read with <see cref="UpdatedStamp"/> plus the owed ones, refused with 409 when the
/// ticket changed since that read.
/// </summary>
public sealed record ZendeskTicketUpdate(ZendeskNewComment? Comment, List<string>? Tags, long? AssigneeId = null, long? GroupId = null, ZendeskVoiceComment? VoiceComment = null)
{
    public bool? SafeUpdate { get; init; }

    /// <summary>The ticket's <c>updated_at</c> as read, with <see cref="SafeUpdate"/>.</summary>
    public string? UpdatedStamp { get; init; }
}

/// <summary>
/// A Tickets API voice comment: the recording plays inside the ticket. No Talk subscription needed; Zendesk stores the
/// link (MP3 or WAV), the agent's browser fetches it.
/// </summary>
/// <param name="StartedAt">ISO 8601.</param>
/// <param name="CallDuration">Seconds.</param>
/// <param name="AnsweredById">The agent who took the call.</param>
public sealed record ZendeskVoiceComment(string From, string To, string RecordingUrl, string StartedAt, int CallDuration, long? AnsweredById, string? TranscriptionText);

/// <summary>
/// A Talk Partner Edition call record (<c>POST /api/v2/calls</c>). <c>app_id</c>, <c>from_line</c>, <c>to_line</c>,
/// <c>call_started_at</c> and <c>direction</c> are mandatory; <c>external_id</c> carries the Twilio SID, the only way to
/// recognise the record again (the API documents no idempotency key).
/// </summary>
public sealed record ZendeskCall(
    long? Id, long AppId, string FromLine, string ToLine, string CallStartedAt, string Direction,
    long? TicketId = null, long? AgentId = null, long? EndUserId = null, string? ExternalId = null, string? CallEndedAt = null,
    int? Duration = null, int? WaitTime = null, int? TalkTime = null, string? QueueName = null, string? RecordingUrl = null,
    string? Transcript = null, string? CompletionStatus = null);

/// <summary>
/// The <c>comment</c> section of a call record: the Talk Partner Edition voice comment on <c>ticket_id</c>. Zendesk's docs
/// give it <c>title</c> and <c>call_fields</c> (the call's fields the comment shows); no source documents an author, so
/// none is sent (the comment is the API user's, private, as Talk Partner Edition voice comments are).
/// </summary>
public sealed record ZendeskCallComment(string Title, IReadOnlyList<string> CallFields)
{
    /// <summary>The call fields the voice comment shows: who called whom, when, how long, who answered, and the recording.</summary>
    public static readonly IReadOnlyList<string> Fields = ["from_line", "to_line", "call_started_at", "duration", "agent_id", "recording_url", "transcript", "completion_status"];
}

public sealed record ZendeskCallBody(ZendeskCall Call, ZendeskCallComment? Comment);

public sealed record ZendeskCallResult(ZendeskCall Call);

public sealed record ZendeskTicketUpdateBody(ZendeskTicketUpdate Ticket);

public sealed record ZendeskTags(List<string> Tags);
