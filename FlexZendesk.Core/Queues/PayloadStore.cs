using Azure;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Storage;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Queues;

/// <summary>
/// Envelopes too large for a queue message, kept as blobs in <c>Queues:PayloadContainer</c>; the queue carries a
/// pointer (<see cref="FlexEventEnvelope.PayloadBlob"/>) that <see cref="ResolveAsync"/> turns back into the envelope.
/// </summary>
public sealed class PayloadStore(StorageClients clients, IOptions<QueueOptions> options)
{
    /// <returns>The pointer's <c>container/name</c>.</returns>
    /// <exception cref="QueueUnavailableException">Storage did not take it.</exception>
    public async Task<string> StoreAsync(FlexEventEnvelope envelope, byte[] body, CancellationToken cancellationToken)
    {
        var container = clients.Blobs.GetBlobContainerClient(options.Value.PayloadContainer);
        // Same event, same name: a redelivered callback overwrites rather than piling up copies.
        var blob = container.GetBlobClient($"{envelope.ReceivedAt:yyyy/MM/dd}/{Uri.EscapeDataString(envelope.Id)}.json");
        try
        {
            await StorageCall.CreatingAsync(
                () => blob.UploadAsync(BinaryData.FromBytes(body), overwrite: true, cancellationToken),
                () => container.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        }
        catch (Exception ex) when (StorageCall.IsFailure(ex, cancellationToken))
        {
            throw new QueueUnavailableException("Azure Storage did not accept the event.", ex);
        }

        return $"{container.Name}/{blob.Name}";
    }

    /// <summary>The full envelope of a pointer message; any other envelope as it is.</summary>
    /// <exception cref="PermanentException">The blob is gone: the message can never be processed.</exception>
    /// <exception cref="RetryableException">Storage did not answer.</exception>
    public async Task<FlexEventEnvelope> ResolveAsync(FlexEventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.PayloadBlob is not { } pointer)
        {
            return envelope;
        }

        var separator = pointer.IndexOf('/', StringComparison.Ordinal);
        var blob = separator > 0 ? clients.Blobs.GetBlobContainerClient(pointer[..separator]).GetBlobClient(pointer[(separator + 1)..]) : null;
        try
        {
            var content = await (blob ?? throw new PermanentException($"payload pointer '{pointer}' names no blob")).DownloadContentAsync(cancellationToken);
            return EnvelopeJson.Deserialize(content.Value.Content.ToMemory().Span);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new PermanentException($"payload blob {pointer} does not exist ({ex.ErrorCode})");
        }
        catch (Exception ex) when (StorageCall.IsFailure(ex, cancellationToken))
        {
            throw new RetryableException($"payload blob {pointer}: storage did not answer ({ex.GetType().Name})", inner: ex);
        }
    }
}
