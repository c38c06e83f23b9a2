using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Twilio;

/// <summary>HTTP Basic with the account SID and auth token on every Twilio REST call.</summary>
public sealed class TwilioAuthHandler(IOptions<TwilioOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var twilio = options.Value;
        var user = string.IsNullOrEmpty(twilio.ApiKeySid) ? twilio.AccountSid : twilio.ApiKeySid;
        var secret = string.IsNullOrEmpty(twilio.ApiKeySid) ? twilio.AuthToken : twilio.ApiKeySecret;
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        return base.SendAsync(request, cancellationToken);
    }
}
