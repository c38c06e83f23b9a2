using System.Text.Json;
using FlexZendesk.Core.Events;

namespace FlexZendesk.Core.Queues;

/// <summary>The envelope's wire form on the queues, the poison queue and in payload blobs.</summary>
public static class EnvelopeJson
{
    public static byte[] Serialize(FlexEventEnvelope envelope) =>
        JsonSerializer.SerializeToUtf8Bytes(envelope, CoreJsonContext.Default.FlexEventEnvelope);

    /// <exception cref="JsonException">The text is not an envelope.</exception>
    public static FlexEventEnvelope Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, CoreJsonContext.Default.FlexEventEnvelope)
        ?? throw new JsonException("The message is JSON null, not an envelope.");

    public static FlexEventEnvelope Deserialize(string text) => Deserialize(System.Text.Encoding.UTF8.GetBytes(text));
}
