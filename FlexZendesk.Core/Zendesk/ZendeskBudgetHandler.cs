using FlexZendesk.Core.Telemetry;

namespace FlexZendesk.Core.Zendesk;

/// <summary>Spends <see cref="ZendeskBudget"/> turns before each Zendesk request; ticket updates also spend an update turn; reads yield to writes.</summary>
public sealed class ZendeskBudgetHandler(ZendeskBudget budget, FlexZendeskMetrics metrics) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        var ticketUpdate = request.Method == HttpMethod.Put && path.StartsWith("/api/v2/tickets/", StringComparison.Ordinal);
        try
        {
            await budget.AcquireAsync(ticketUpdate, read: request.Method == HttpMethod.Get, cancellationToken);
        }
        catch (RetryableException)
        {
            metrics.Throttled("budget");
            throw;
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
