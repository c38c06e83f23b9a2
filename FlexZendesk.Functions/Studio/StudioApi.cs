using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Queues;
using FlexZendesk.Functions.Webhooks;

namespace FlexZendesk.Functions.Studio;

/// <summary>Studio "Make HTTP Request" callbacks: <c>POST /api/studio/events</c> (function <c>StudioEvents</c>), form or JSON.</summary>
public static partial class StudioApi
{
    public static IEndpointRouteBuilder MapStudioApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/studio").AddEndpointFilter<TwilioSignatureFilter>();
        group.MapPost("/events", HandleEventAsync).WithName("StudioEvents");
        return app;
    }

    public static async Task<Ok<StudioAccepted>> HandleEventAsync(
        HttpContext http,
        EventQueueWriter queue,
        TimeProvider clock,
        ILogger<EventQueueWriter> logger)
    {
        var envelope = http.Features.GetRequiredFeature<WebhookPayload>().ToEnvelope(EventSources.Studio, clock);
        var result = await queue.EnqueueAsync(envelope, http.RequestAborted);
        LogEnqueued(logger, envelope.EventType, envelope.Id, result.Bytes);
        return TypedResults.Ok(new StudioAccepted(true, envelope.Id, envelope.EventType));
    }

    [LoggerMessage(LogLevel.Information, "Enqueued Studio {EventType} {EventId} ({Bytes} bytes)")]
    private static partial void LogEnqueued(ILogger logger, string eventType, string eventId, int bytes);
}
