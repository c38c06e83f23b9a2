using Azure;
using Azure.Storage.Queues.Models;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using FlexZendesk.Functions.Webhooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Admin;

/// <summary>
/// <c>POST /api/ops/poison/replay</c> (not /api/admin/…: the Functions host reserves routes starting with admin),
/// admin level (the host's master key; <c>Admin:Key</c> without a host): puts poison messages back on the events
/// queue, all or the ones named, without their last error, and reports counts. Messages not named stay in the
/// poison queue (invisible for 30 s while a replay runs).
/// </summary>
public sealed partial class ReplayPoison(StorageClients storage, PoisonMessages poisonMessages, IOptions<QueueOptions> queues, ILogger<ReplayPoison> logger)
{
    private const int MaxPerCall = 5000;

    [Function(nameof(ReplayPoison))]
    public async Task<Results<Ok<ReplayReport>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = "ops/poison/replay")] HttpRequest http)
    {
        var cancellationToken = http.HttpContext.RequestAborted;
        if (await JsonBody.ReadAsync(http, AppJsonContext.Default.ReplayRequest) is not { } body)
        {
            return Problems.Malformed("The body is not a JSON object.");
        }

        var request = body.Value;
        var ids = request?.Ids is { Count: > 0 } named ? named.ToHashSet(StringComparer.Ordinal) : null;
        var poison = storage.Queues.GetQueueClient(poisonMessages.QueueName);
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
                        envelope = EnvelopeJson.Deserialize(message.Body.ToMemory().Span);
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

                    var original = envelope.Raw is not null && envelope.Source == "unknown" ? BinaryData.FromString(envelope.Raw) : BinaryData.FromBytes(EnvelopeJson.Serialize(envelope with { LastError = null, FailedAt = null }));
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
