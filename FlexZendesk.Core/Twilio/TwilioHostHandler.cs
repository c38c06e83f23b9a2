using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Twilio;

/// <summary>Sends each Twilio call to its product's host, or every call to <c>Twilio:ApiBaseUrl</c> (the sandbox) when set.</summary>
public sealed class TwilioHostHandler(IOptions<TwilioOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var baseUrl = options.Value.ApiBaseUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : uri.AbsolutePath.StartsWith("/v1/Workspaces/", StringComparison.Ordinal) ? "https://taskrouter.twilio.com"
            : uri.AbsolutePath.StartsWith("/v1/Conversations/", StringComparison.Ordinal) ? "https://conversations.twilio.com"
            : "https://api.twilio.com";
        request.RequestUri = new Uri(baseUrl + uri.PathAndQuery);
        return base.SendAsync(request, cancellationToken);
    }
}
