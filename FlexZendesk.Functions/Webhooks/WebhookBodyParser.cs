using System.Text.Json;
using System.Text;
using FlexZendesk.Core.Events;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace FlexZendesk.Functions.Webhooks;

/// <summary>Reads and parses webhook bodies strictly: invalid UTF-8, over-deep JSON or non-object JSON are errors, never guesses.</summary>
public static class WebhookBodyParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly JsonDocumentOptions JsonParsing = new() { MaxDepth = 64 };

    public static BodyKind KindOf(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return BodyKind.Unsupported;
        }

        if (media.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return BodyKind.Form;
        }

        return media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
               || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)
            ? BodyKind.Json
            : BodyKind.Unsupported;
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new byte[Math.Min(request.ContentLength ?? 4096, limit) + 1];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (buffer.Length > limit)
                {
                    return null;
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit + 1));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return length == buffer.Length ? buffer : buffer[..length];
            }

            length += read;
            if (length > limit)
            {
                return null;
            }
        }
    }

    /// <summary>The body as text; <see cref="DecoderFallbackException"/> when it is not UTF-8.</summary>
    public static string Decode(byte[] body) => StrictUtf8.GetString(body);

    public static (List<KeyValuePair<string, string>> Fields, string Raw) ParseForm(byte[] body)
    {
        var raw = Decode(body);
        var fields = new List<KeyValuePair<string, string>>();
        using var reader = new FormReader(raw);
        while (reader.ReadNextPair() is { } pair)
        {
            fields.Add(pair);
        }

        return (fields, raw);
    }

    public static List<KeyValuePair<string, string>> ParseJson(byte[] body)
    {
        using var document = JsonDocument.Parse(body, JsonParsing);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("The JSON body must be an object.");
        }

        return EnvelopeFactory.Flatten(document.RootElement);
    }

    /// <summary>Query parameters of a GET callback, without the Functions <c>code</c> key and Studio's <c>bodySHA256</c>.</summary>
    public static List<KeyValuePair<string, string>> QueryParameters(IQueryCollection query)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (var (key, values) in query)
        {
            if (key is "code" or "bodySHA256")
            {
                continue;
            }

            foreach (var value in values)
            {
                list.Add(new(key, value ?? ""));
            }
        }

        return list;
    }
}

public enum BodyKind
{
    Unsupported,
    Form,
    Json,
}

/// <summary>A verified Twilio callback: what <see cref="TwilioWebhookGate"/> read, parsed and checked.</summary>
/// <param name="Parameters">Form fields or JSON top-level properties, in received order.</param>
/// <param name="Raw">The body as text.</param>
/// <param name="IdempotencyToken">Twilio's <c>I-Twilio-Idempotency-Token</c>, the same on every retry of a delivery.</param>
public sealed record WebhookPayload(
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    string Raw,
    string? IdempotencyToken)
{
    public FlexEventEnvelope ToEnvelope(string source, TimeProvider clock) =>
        EnvelopeFactory.Create(source, Parameters, Raw, clock.GetUtcNow(), IdempotencyToken);
}
