using System.Text.Json;
using Azure.Storage.Queues;
using FlexZendesk.Core;
using FlexZendesk.Core.Queues;

namespace FlexZendesk.DevTools;

/// <summary>Prints the envelopes waiting on the events queue, decoded, without taking them.</summary>
internal static class QueuePeek
{
    private static readonly JsonSerializerOptions Indented = new(CoreJsonContext.Default.Options) { WriteIndented = true };

    public static async Task<int> PrintAsync(DevSettings settings)
    {
        var queue = new QueueClient(settings.Storage, settings.Queue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        if (!(await queue.ExistsAsync()).Value)
        {
            Console.WriteLine($"queue {settings.Queue} does not exist yet (it is created with the first event)");
            return 1;
        }

        var messages = (await queue.PeekMessagesAsync(maxMessages: 32)).Value;
        Console.WriteLine($"{messages.Length} message(s) on {settings.Queue}:");
        foreach (var message in messages)
        {
            var envelope = EnvelopeJson.Deserialize(message.Body.ToMemory().Span);
            Console.WriteLine(JsonSerializer.Serialize(envelope with { Raw = null }, Indented.GetTypeInfo(envelope.GetType())));
        }

        return messages.Length > 0 ? 0 : 1;
    }
}
