using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;

namespace FlexZendesk.Functions.Queues;

/// <summary>
/// The queue function on <c>flex-events</c> (<c>Queues:EventsQueue</c>). It completes a message whose work is done,
/// permanently refused (logged) or rescheduled (a copy re-enqueued invisible for the Retry-After of a 429 or a spent
/// budget, costing no delivery); a message that is not an event envelope goes to the poison queue with its reason.
/// Any other failure is thrown: the host makes the message visible again after host.json's
/// <c>visibilityTimeout</c> and after <c>maxDequeueCount</c> deliveries moves it to <c>&lt;queue&gt;-poison</c>.
/// How each message is settled: <see cref="FlexMessageHandler"/>.
/// </summary>
public sealed class ProcessFlexEvent(FlexMessageHandler handler)
{
    public const string QueueSetting = "%Queues:EventsQueue%";

    [Function(nameof(ProcessFlexEvent))]
    public Task RunAsync(
        [QueueTrigger(QueueSetting, Connection = "AzureWebJobsStorage")] QueueMessage message,
        CancellationToken cancellationToken) =>
        handler.HandleAsync(message.Body.ToString(), message.MessageId, message.DequeueCount, cancellationToken);
}
