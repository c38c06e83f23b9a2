using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Twilio;

/// <summary>
/// Sends every Twilio call to <c>Twilio:ApiBaseUrl</c> (the sandbox) when set, keeping path and query; otherwise the
/// SDK's own product hosts (taskrouter/conversations/api.twilio.com) stand.
/// </summary>
public sealed class TwilioHostHandler(IOptions<TwilioOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.Value.ApiBaseUrl is { Length: > 0 } configured)
        {
            request.RequestUri = new Uri(configured.TrimEnd('/') + request.RequestUri!.PathAndQuery);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
