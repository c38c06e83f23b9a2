using Azure;
using Azure.Storage.Queues.Models;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Admin;

/// <summary>
/// <c>POST /api/ops/poison/replay</c> (not /api/admin/…: the Functions host reserves routes starting with admin) (function <c>ReplayPoison</c>): puts poison messages back on the events
/// queue, all or the ones named, without their last error, and reports counts. Messages not named stay in the
/// poison queue (invisible for 30 s while a replay runs).
/// </summary>
public static partial class PoisonApi
{
    private const int MaxPerCall = 5000;

    public static IEndpointRouteBuilder MapPoisonApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ops/poison/replay", ReplayAsync)
            .AddEndpointFilter<AdminKeyFilter>()
            .WithName("ReplayPoison");
        return app;
    }

    public static async Task<Results<Ok<ReplayReport>, ProblemHttpResult>> ReplayAsync(
        ReplayRequest? request,
        StorageClients storage,
        EventQueueWriter writer,
        IOptions<QueueOptions> queues,
        ILogger<ReplayReport> logger,
        CancellationToken cancellationToken)
    {
        var ids = request?.Ids is { Count: > 0 } named ? named.ToHashSet(StringComparer.Ordinal) : null;
        var poison = storage.Queues.GetQueueClient(writer.PoisonQueueName);
        var events = storage.Queues.GetQueueClient(queues.Value.EventsQueue);
        int replayed = 0, skipped = 0, unreadable = 0;
        try
        {
            while (replayed + skipped + unreadable < MaxPerCall)
            {
                QueueMessage[] batch = await poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), cancellationToken);
                if (batch.Length == 0)
                {
                    break;
                }

                foreach (var message in batch)
                {
                    Core.Events.FlexEventEnvelope envelope;
                    try
                    {
                        envelope = EventQueueWriter.Deserialize(message.Body.ToMemory().Span);
                    }
                    catch (System.Text.Json.JsonException)
                    {
                        unreadable++;
                        continue;
                    }

                    if (ids is not null && !ids.Contains(envelope.Id) && !ids.Contains(message.MessageId))
                    {
                        skipped++;
                        continue;
                    }

                    var original = envelope.Raw is not null && envelope.Source == "unknown" ? BinaryData.FromString(envelope.Raw) : BinaryData.FromBytes(EventQueueWriter.Serialize(envelope with { LastError = null, FailedAt = null }));
                    await events.SendMessageAsync(original, cancellationToken: cancellationToken);
                    await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    replayed++;
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No poison queue yet: nothing was ever poisoned.
        }

        LogReplayed(logger, replayed, skipped, unreadable);
        return TypedResults.Ok(new ReplayReport(replayed, skipped, unreadable));
    }

    [LoggerMessage(LogLevel.Information, "Poison replay: {Replayed} replayed, {Skipped} left, {Unreadable} unreadable")]
    private static partial void LogReplayed(ILogger logger, int replayed, int skipped, int unreadable);
}
