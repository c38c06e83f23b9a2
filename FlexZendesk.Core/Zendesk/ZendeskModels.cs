namespace FlexZendesk.Core.Zendesk;

// Wire types of the Zendesk Support API (snake_case via ZendeskJsonContext). Only the fields FlexZendesk uses.

/// <param name="Role"><c>end-user</c>, <c>agent</c> or <c>admin</c>: only the last two can be assigned or author as an agent.</param>
public sealed record ZendeskUser(long Id, string? Name, string? Email, string? Phone, string? ExternalId, string? Role = null);

public sealed record ZendeskUserBody(ZendeskNewUser User);

public sealed record ZendeskNewUser(string Name, string? Email, string? Phone, string? ExternalId);

public sealed record ZendeskUserResult(ZendeskUser User);

public sealed record ZendeskUsers(List<ZendeskUser> Users);

public sealed record ZendeskComment(long Id, string? Body, bool Public);

public sealed record ZendeskComments(List<ZendeskComment> Comments);

/// <param name="AuthorId">The agent the comment is by; null: the API user.</param>
public sealed record ZendeskNewComment(string Body, bool Public, long? AuthorId = null);

public sealed record ZendeskTicket(long Id, string? Subject, string? Status, long? RequesterId, string? ExternalId, List<string>? Tags, DateTimeOffset? UpdatedAt, long? AssigneeId = null);

public sealed record ZendeskTicketResult(ZendeskTicket Ticket);

public sealed record ZendeskTickets(List<ZendeskTicket> Tickets);

public sealed record ZendeskNewTicket(
    string Subject, ZendeskNewComment Comment, long? RequesterId, List<string> Tags, string ExternalId,
    long? AssigneeId = null, long? SubmitterId = null, long? GroupId = null);

public sealed record ZendeskNewTicketBody(ZendeskNewTicket Ticket);

/// <summary>An update: an internal note, optionally with tags added (never replaced), the assignee and group.</summary>
public sealed record ZendeskTicketUpdate(ZendeskNewComment? Comment, List<string>? AdditionalTags, long? AssigneeId = null, long? GroupId = null);

public sealed record ZendeskTicketUpdateBody(ZendeskTicketUpdate Ticket);

public sealed record ZendeskTags(List<string> Tags);
