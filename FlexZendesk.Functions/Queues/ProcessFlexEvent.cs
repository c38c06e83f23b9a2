using Azure.Storage.Queues.Models;
using FlexZendesk.Core.Queues;
using Microsoft.Azure.Functions.Worker;

namespace FlexZendesk.Functions.Queues;

/// <summary>
/// The queue function on <c>flex-events</c> (<c>Queues:EventsQueue</c>). It completes a message whose work is done,
/// permanently refused (logged) or rescheduled (a copy re-enqueued invisible for the Retry-After of a 429 or a spent
/// budget, costing no delivery); a message that is not an event envelope goes to the poison queue with its reason.
/// Any other failure is thrown: the host makes the message visible again after host.json's
/// <c>visibilityTimeout</c> and after <c>maxDequeueCount</c> deliveries moves it to <c>&lt;queue&gt;-poison</c>.
/// </summary>
public sealed partial class ProcessFlexEvent(FlexMessageHandler handler, EventQueueWriter queue, PoisonMessages poison, ILogger<ProcessFlexEvent> logger)
{
    public const string QueueSetting = "%Queues:EventsQueue%";

    [Function(nameof(ProcessFlexEvent))]
    public async Task RunAsync(
        [QueueTrigger(QueueSetting, Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken cancellationToken)
    {
        var text = message.Body.ToString();
        var result = await handler.HandleAsync(text, message.MessageId, message.DequeueCount, cancellationToken);
        switch (result.Status)
        {
            case HandlingStatus.Completed:
                return;
            case HandlingStatus.Poison:
                await poison.SendAsync(text, result.Reason, cancellationToken);
                return;
            case HandlingStatus.Retry when result.RetryAfter is { } after:
                var delay = after < MinimumDelay ? MinimumDelay : after;
                await queue.RescheduleAsync(text, delay, cancellationToken);
                LogRescheduled(logger, message.MessageId, delay.TotalSeconds);
                return;
            default:
                throw new EventRetryException(result.Reason);
        }
    }

    private static readonly TimeSpan MinimumDelay = TimeSpan.FromSeconds(1);

    [LoggerMessage(LogLevel.Information, "Rescheduled message {MessageId} in {DelaySeconds} s (a wait for Zendesk or for another worker; no delivery spent)")]
    private static partial void LogRescheduled(ILogger logger, string messageId, double delaySeconds);
}
