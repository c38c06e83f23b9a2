using System.Text;
using FlexZendesk.Sandbox;

namespace FlexZendesk.Tests.Infrastructure;

/// <summary>Signs requests the way Twilio does, for the public URL (not the loopback one the test talks to).</summary>
internal sealed class TwilioSigner(string authToken, string publicBaseUrl)
{
    private readonly TwilioWebhookSigner _signature = new(authToken);

    public HttpRequestMessage Form(string pathAndQuery, IReadOnlyList<KeyValuePair<string, string>> fields, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", signature ?? _signature.Sign(publicBaseUrl + pathAndQuery, fields));
        return request;
    }

    public HttpRequestMessage Json(string path, string json, string? signature = null)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var pathAndQuery = path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "bodySHA256=" + TwilioWebhookSigner.BodyHash(body);
        var request = new HttpRequestMessage(HttpMethod.Post, pathAndQuery) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Twilio-Signature", signature ?? _signature.Sign(publicBaseUrl + pathAndQuery));
        return request;
    }

    public string Sign(string pathAndQuery, IReadOnlyList<KeyValuePair<string, string>>? fields = null) =>
        _signature.Sign(publicBaseUrl + pathAndQuery, fields);
}
