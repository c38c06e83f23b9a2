using FlexZendesk.Core.Zendesk;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// "Can this ticket number take our notes?": it exists and is not closed (Zendesk refuses updates to closed tickets).
/// The one rule for processing a task's <c>zd_ticket_id</c> and for the Studio lookup that lets an IVR re-prompt.
/// </summary>
public static class UsableTicket
{
    public const string NotFound = "not_found";
    public const string Closed = "closed";

    /// <param name="budget">An upper bound for the call (the Studio lookup must answer within Studio's time); its expiry is a retryable "no answer".</param>
    public static async Task<(ZendeskTicket? Ticket, string? Unusable)> CheckAsync(IZendeskApi zendesk, long id, TimeSpan? budget, CancellationToken cancellationToken)
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (budget is { } limit)
        {
            call.CancelAfter(limit);
        }

        var response = await ApiCall.SendAsync(() => zendesk.GetTicketAsync(id, call.Token), "Zendesk show ticket", cancellationToken);
        if ((int?)response.StatusCode == 404)
        {
            return (null, NotFound);
        }

        var ticket = response.IsSuccessStatusCode ? response.Content!.Ticket : throw ApiCall.Failure(response, "Zendesk show ticket");
        return ticket.Status == "closed" ? (ticket, Closed) : (ticket, null);
    }
}
