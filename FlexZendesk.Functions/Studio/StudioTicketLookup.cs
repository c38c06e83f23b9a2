using System.Globalization;
using FlexZendesk.Core.Tickets;
using FlexZendesk.Core.Zendesk;
using FlexZendesk.Core;
using FlexZendesk.Functions.Webhooks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace FlexZendesk.Functions.Studio;

/// <summary>
/// <c>GET|POST /api/studio/tickets/lookup</c>: does the ticket number a caller typed exist? Answers within about
/// 2 s, always 200 with a JSON object, so the IVR can re-prompt instead of failing.
/// </summary>
public sealed partial class StudioTicketLookup(IZendeskApi zendesk, ILogger<StudioTicketLookup> logger)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);
    private static readonly string[] NumberParameters = ["ticket", "ticketId", "zd_ticket_id", "Digits"];

    [Function(nameof(StudioTicketLookup))]
    [TwilioSigned]
    public async Task<Ok<TicketLookup>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "studio/tickets/lookup")] HttpRequest request)
    {
        var http = request.HttpContext;
        var parameters = http.Features.GetRequiredFeature<WebhookPayload>().Parameters;
        var typed = NumberParameters.Select(name => parameters.FirstOrDefault(p => p.Key == name).Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        if (!long.TryParse(typed?.Trim().TrimEnd('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            return TypedResults.Ok(new TicketLookup(false, null, null, "invalid"));
        }

        try
        {
            var (ticket, unusable) = await UsableTicket.CheckAsync(zendesk, id, Budget, http.RequestAborted);
            return TypedResults.Ok(new TicketLookup(unusable is null, id, ticket?.Status, unusable));
        }
        catch (Exception ex) when (ex is RetryableException or PermanentException)
        {
            LogUnavailable(logger, id, ex.Message);
            return TypedResults.Ok(new TicketLookup(false, id, null, "unavailable"));
        }
    }

    [LoggerMessage(LogLevel.Warning, "Studio lookup of ticket {TicketId} answered 'unavailable': {Reason}")]
    private static partial void LogUnavailable(ILogger logger, long ticketId, string reason);
}

/// <summary>Studio's answer: <c>{{widgets.lookup.parsed.valid}}</c> drives the IVR's re-prompt.</summary>
/// <param name="Reason">When not valid: <c>invalid</c> (not a number), <c>not_found</c>, <c>closed</c>, <c>unavailable</c> (Zendesk slow or down).</param>
public sealed record TicketLookup(bool Valid, long? TicketId, string? Status, string? Reason);
