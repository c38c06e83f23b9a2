using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FlexZendesk.Functions.Webhooks;

/// <summary>A JSON request body as the function's own input, the same under both hosts (neither host binds it).</summary>
public static class JsonBody
{
    /// <summary>The body read as <typeparamref name="T"/> (its value null when the body is empty); null when it is not JSON of that shape.</summary>
    public static async Task<Parsed<T>?> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type)
    {
        try
        {
            return request.ContentLength == 0
                ? new Parsed<T>(default)
                : new Parsed<T>(await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public sealed record Parsed<T>(T? Value);
}
