using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Zendesk;

/// <summary>Adds Zendesk credentials to every request, so no secret sits in an interface attribute or a log scope.</summary>
public sealed class ZendeskAuthHandler(IOptions<ZendeskOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var zendesk = options.Value;
        request.Headers.Authorization = string.IsNullOrEmpty(zendesk.OAuthToken)
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{zendesk.Email}/token:{zendesk.ApiToken}")))
            : new AuthenticationHeaderValue("Bearer", zendesk.OAuthToken);
        return base.SendAsync(request, cancellationToken);
    }
}
