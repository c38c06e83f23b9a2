namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// A ticket's comments, newest first, page after page (cursor paging, 100 a page, Zendesk's maximum): a marker left by a
/// lost write is usually on the first page, but a long reused ticket may hide it further back.
/// </summary>
public static class TicketComments
{
    private const int PageSize = 100;

    public static async IAsyncEnumerable<ZendeskComment> NewestFirstAsync(IZendeskApi zendesk, long ticketId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        do
        {
            var page = await ApiCall.RequireAsync(() => zendesk.CommentsAsync(ticketId, "desc", PageSize, after, cancellationToken), "Zendesk list comments", cancellationToken);
            foreach (var comment in page.Comments)
            {
                yield return comment;
            }

            after = page.Meta is { HasMore: true, AfterCursor: { Length: > 0 } cursor } ? cursor : null;
        }
        while (after is not null);
    }
}
