using FlexZendesk.Core.Events;
using FlexZendesk.Core.Queues;
using FlexZendesk.Functions.Webhooks;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace FlexZendesk.Functions.Studio;

/// <summary>Studio "Make HTTP Request" callbacks: <c>POST /api/studio/events</c>, form or JSON.</summary>
public sealed partial class StudioEvents(EventQueueWriter queue, TimeProvider clock, ILogger<StudioEvents> logger)
{
    [Function(nameof(StudioEvents))]
    [TwilioSigned]
    public async Task<Ok<StudioAccepted>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "studio/events")] HttpRequest request)
    {
        var http = request.HttpContext;
        var envelope = http.Features.GetRequiredFeature<WebhookPayload>().ToEnvelope(EventSources.Studio, clock);
        var result = await queue.EnqueueAsync(envelope, http.RequestAborted);
        LogEnqueued(logger, envelope.EventType, envelope.Id, result.Bytes);
        return TypedResults.Ok(new StudioAccepted(true, envelope.Id, envelope.EventType));
    }

    [LoggerMessage(LogLevel.Information, "Enqueued Studio {EventType} {EventId} ({Bytes} bytes)")]
    private static partial void LogEnqueued(ILogger logger, string eventType, string eventId, int bytes);
}

/// <summary>A JSON object, because Studio parses only objects into <c>widgets.X.parsed</c>.</summary>
public sealed record StudioAccepted(bool Accepted, string Id, string EventType);
