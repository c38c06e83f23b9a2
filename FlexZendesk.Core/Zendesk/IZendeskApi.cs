using Refit;

namespace FlexZendesk.Core.Zendesk;

/// <summary>The Zendesk Support API calls FlexZendesk makes. Auth is added by <see cref="ZendeskAuthHandler"/>.</summary>
public interface IZendeskApi
{
    [Get("/api/v2/users/search.json")]
    Task<IApiResponse<ZendeskUsers>> SearchUsersAsync(string query, CancellationToken cancellationToken);

    /// <summary>Matches on email or external_id, so a replay finds the user it created.</summary>
    [Post("/api/v2/users/create_or_update.json")]
    Task<IApiResponse<ZendeskUserResult>> CreateOrUpdateUserAsync([Body] ZendeskUserBody user, CancellationToken cancellationToken);

    [Post("/api/v2/tickets.json")]
    Task<IApiResponse<ZendeskTicketResult>> CreateTicketAsync([Body] ZendeskNewTicketBody ticket, [Header("Idempotency-Key")] string idempotencyKey, CancellationToken cancellationToken);

    [Get("/api/v2/tickets/{id}.json")]
    Task<IApiResponse<ZendeskTicketResult>> GetTicketAsync(long id, CancellationToken cancellationToken);

    [Put("/api/v2/tickets/{id}.json")]
    Task<IApiResponse<ZendeskTicketResult>> UpdateTicketAsync(long id, [Body] ZendeskTicketUpdateBody update, CancellationToken cancellationToken);

    /// <summary>PUT adds tags; POST would replace them.</summary>
    [Put("/api/v2/tickets/{id}/tags.json")]
    Task<IApiResponse<ZendeskTags>> AddTagsAsync(long id, [Body] ZendeskTags tags, CancellationToken cancellationToken);

    [Get("/api/v2/tickets.json")]
    Task<IApiResponse<ZendeskTickets>> TicketsByExternalIdAsync([AliasAs("external_id")] string externalId, CancellationToken cancellationToken);

    /// <summary>One page of a ticket's comments (cursor paging: at most 100 a page, <paramref name="after"/> from the last page's <c>meta.after_cursor</c>).</summary>
    [Get("/api/v2/tickets/{id}/comments.json")]
    Task<IApiResponse<ZendeskComments>> CommentsAsync(
        long id,
        [AliasAs("sort_order")] string sortOrder,
        [AliasAs("page[size]")] int pageSize,
        [AliasAs("page[after]")] string? after,
        CancellationToken cancellationToken);

    /// <summary>Talk Partner Edition screen pop: opens the ticket in the agent's Zendesk browser tab. No body.</summary>
    [Post("/api/v2/channels/voice/agents/{agentId}/tickets/{ticketId}/display.json")]
    Task<IApiResponse> DisplayTicketAsync(long agentId, long ticketId, CancellationToken cancellationToken);

    /// <summary>Talk Partner Edition screen pop: opens the user's profile in the agent's Zendesk browser tab. No body.</summary>
    [Post("/api/v2/channels/voice/agents/{agentId}/users/{userId}/display.json")]
    Task<IApiResponse> DisplayUserAsync(long agentId, long userId, CancellationToken cancellationToken);

    /// <summary>Talk Partner Edition: creates a call record; with a <c>comment</c> section, its voice comment on the ticket.</summary>
    [Post("/api/v2/calls")]
    Task<IApiResponse<ZendeskCallResult>> CreateCallAsync([Body] ZendeskCallBody record, CancellationToken cancellationToken);

    /// <summary>Talk Partner Edition: one call record, to check its <c>external_id</c> before a retry creates another.</summary>
    [Get("/api/v2/calls/{id}")]
    Task<IApiResponse<ZendeskCallResult>> GetCallAsync(long id, CancellationToken cancellationToken);
}
