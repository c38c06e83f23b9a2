namespace FlexZendesk.Core.Telemetry;

/// <summary>Counts each Zendesk or Twilio call by method and status (0 when no answer came), and Zendesk 429s.</summary>
public sealed class ApiCallMetricsHandler(FlexZendeskMetrics metrics, string api) : DelegatingHandler
{
    public const string Zendesk = "zendesk";
    public const string Twilio = "twilio";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.Method.Method;
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            return response;
        }
        finally
        {
            var status = (int?)response?.StatusCode ?? 0;
            if (api == Zendesk)
            {
                metrics.ZendeskCall(method, status);
                if (status == 429)
                {
                    metrics.Throttled("429");
                }
            }
            else
            {
                metrics.TwilioCall(method, status);
            }
        }
    }
}
