using System.Net.Http.Headers;

namespace FlexZendesk.Core.Zendesk;

/// <summary>
/// Zendesk asks for <c>Content-Type: application/json</c> on every write; a POST or PUT with no body (the Talk Partner
/// Edition screen pops) gets an empty one that carries it.
/// </summary>
public sealed class JsonContentHandler : DelegatingHandler
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is null && (request.Method == HttpMethod.Post || request.Method == HttpMethod.Put))
        {
            request.Content = new ByteArrayContent([]) { Headers = { ContentType = Json } };
        }

        return base.SendAsync(request, cancellationToken);
    }
}
