using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Storage;
using FlexZendesk.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Queues;

/// <summary>
/// Runs the queue function without a Functions host (local runs, tests, containers), with the queue trigger's
/// semantics: batches processed in parallel, a failed message reappears after the visibility timeout, after
/// MaxDequeueCount deliveries it moves to the poison queue, and shutdown lets in-flight messages finish.
/// </summary>
public sealed partial class QueueListener(
    StorageClients storage,
    EventQueueWriter writer,
    FlexMessageHandler handler,
    RetryPolicy policy,
    IOptions<QueueOptions> queues,
    IOptions<ListenerOptions> options,
    IConfiguration configuration,
    ILogger<QueueListener> logger) : BackgroundService
{
    // Long enough for one message's work; a crash makes the message visible again after it.
    private static readonly TimeSpan ProcessingLease = TimeSpan.FromMinutes(5);

    public bool Enabled => options.Value.Listen ?? string.IsNullOrEmpty(configuration[CustomHandlerHosting.PortVariable]);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        var settings = options.Value;
        var queue = storage.Queues.GetQueueClient(queues.Value.EventsQueue);
        var idle = TimeSpan.FromMilliseconds(50);
        LogStarted(logger, queue.Name);
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] batch;
            try
            {
                batch = await queue.ReceiveMessagesAsync(settings.BatchSize, ProcessingLease, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                batch = [];
                await CreateQueueAsync(queue, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage slow or away: keep polling; the loop must outlive any outage.
                LogReceiveFailed(logger, ex.GetType().Name);
                batch = [];
            }

            if (batch.Length == 0)
            {
                idle = TimeSpan.FromSeconds(Math.Min(idle.TotalSeconds * 2, settings.MaxPollingIntervalSeconds));
                try
                {
                    await Task.Delay(idle, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            idle = TimeSpan.FromMilliseconds(50);
            // In-flight work is not cancelled by shutdown: the batch finishes, then the loop ends.
            await Task.WhenAll(batch.Select(message => HandleAsync(queue, message)));
        }

        LogStopped(logger, queue.Name);
    }

    private async Task CreateQueueAsync(QueueClient queue, CancellationToken stoppingToken)
    {
        try
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogReceiveFailed(logger, ex.GetType().Name);
        }
    }

    private async Task HandleAsync(QueueClient queue, QueueMessage message)
    {
        var text = message.Body.ToString();
        try
        {
            var result = await handler.HandleAsync(text, message.MessageId, message.DequeueCount, CancellationToken.None);
            var (action, delay) = policy.Decide(result, message.DequeueCount);
            switch (action)
            {
                case SettleAction.Backoff:
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: delay);
                    return;
                case SettleAction.Reschedule:
                    await writer.RescheduleAsync(text, delay, CancellationToken.None);
                    break;
                case SettleAction.Poison:
                    LogPoisoned(logger, message.MessageId, message.DequeueCount, result.Reason);
                    await writer.SendPoisonAsync(text, result.Reason, CancellationToken.None);
                    break;
            }

            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
        catch (Exception ex)
        {
            // Whatever failed (storage timeouts surface as AggregateException after the SDK's retries), the message
            // stays on the queue and comes back after its lease: at least once, never lost. One message must never
            // take the listener, and with it the app, down.
            LogSettleFailed(logger, message.MessageId, ex.GetType().Name);
        }
    }

    [LoggerMessage(LogLevel.Information, "Listening to queue {Queue} (standalone; no Functions host)")]
    private static partial void LogStarted(ILogger logger, string queue);

    [LoggerMessage(LogLevel.Information, "Stopped listening to queue {Queue}; in-flight messages finished")]
    private static partial void LogStopped(ILogger logger, string queue);

    [LoggerMessage(LogLevel.Warning, "Could not receive from the queue ({ErrorType}); retrying")]
    private static partial void LogReceiveFailed(ILogger logger, string errorType);

    [LoggerMessage(LogLevel.Error, "Moved message {MessageId} to the poison queue after {DequeueCount} deliveries: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, long dequeueCount, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not settle message {MessageId} ({ErrorType}); it will be delivered again")]
    private static partial void LogSettleFailed(ILogger logger, string messageId, string errorType);
}
