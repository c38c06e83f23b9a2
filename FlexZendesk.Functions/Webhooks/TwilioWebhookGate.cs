using System.Text.Json;
using System.Text;
using FlexZendesk.Core.Twilio;
using FlexZendesk.Functions.Gates;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Webhooks;

/// <summary>
/// Admits only requests signed by Twilio (<see cref="TwilioSignedAttribute"/>). Reads the body once (413 past <c>Ingress:MaxBodyBytes</c>), parses it
/// (400 when malformed), checks <c>X-Twilio-Signature</c> against the public URL (403), and hands the handler a
/// <see cref="WebhookPayload"/> feature. Neither the token nor any signature is ever logged or echoed.
/// </summary>
public sealed partial class TwilioWebhookGate(
    TwilioWebhookValidator signature,
    IOptions<TwilioOptions> twilio,
    IOptions<IngressOptions> ingress,
    ILogger<TwilioWebhookGate> logger) : IFunctionGate
{
    public const string SignatureHeader = "X-Twilio-Signature";
    public const string IdempotencyHeader = "I-Twilio-Idempotency-Token";

    public async ValueTask<IResult?> CheckAsync(HttpContext http)
    {
        var request = http.Request;
        var url = PublicUrl(http);
        var provided = request.Headers[SignatureHeader].ToString();

        if (HttpMethods.IsGet(request.Method))
        {
            // GET: every parameter is in the signed URL; nothing is appended.
            if (!signature.IsValid(url, null, provided))
            {
                return Forbidden(http);
            }

            http.Features.Set(new WebhookPayload(WebhookBodyParser.QueryParameters(request.Query), request.QueryString.Value ?? "", Idempotency(request)));
            return null;
        }

        var kind = WebhookBodyParser.KindOf(request.ContentType);
        if (kind == BodyKind.Unsupported)
        {
            return Problems.UnsupportedMediaType();
        }

        var body = await WebhookBodyParser.ReadAsync(request, ingress.Value.MaxBodyBytes, http.RequestAborted);
        if (body is null)
        {
            return Problems.TooLarge(ingress.Value.MaxBodyBytes);
        }

        WebhookPayload payload;
        try
        {
            if (kind == BodyKind.Form)
            {
                var (fields, raw) = WebhookBodyParser.ParseForm(body);
                if (!signature.IsValid(url, fields, provided))
                {
                    return Forbidden(http);
                }

                payload = new(fields, raw, Idempotency(request));
            }
            else
            {
                // JSON: the URL (with bodySHA256) is signed and the hash binds the body, so check before parsing.
                var text = WebhookBodyParser.Decode(body);
                if (!signature.IsValidJson(url, text, provided))
                {
                    return Forbidden(http);
                }

                payload = new(WebhookBodyParser.ParseJson(body), text, Idempotency(request));
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or DecoderFallbackException)
        {
            LogMalformed(logger, request.Path, ex.GetType().Name);
            return Problems.Malformed(kind == BodyKind.Json ? "The body is not a valid JSON object." : "The body is not a valid form-encoded UTF-8 payload.");
        }

        http.Features.Set(payload);
        return null;
    }

    private ProblemHttpResult Forbidden(HttpContext http)
    {
        LogRejected(logger, http.Request.Path, http.Request.Headers.ContainsKey(SignatureHeader));
        return Problems.Forbidden();
    }

    /// <summary>The URL Twilio signed: the configured public base + the path and query exactly as received.</summary>
    private string PublicUrl(HttpContext http)
    {
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target) || target[0] != '/')
        {
            target = http.Request.PathBase.Add(http.Request.Path).ToUriComponent() + http.Request.QueryString.ToUriComponent();
        }

        return twilio.Value.WebhookBaseUrl.TrimEnd('/') + target;
    }

    private static string? Idempotency(HttpRequest request) =>
        request.Headers.TryGetValue(IdempotencyHeader, out var token) ? token.ToString() : null;

    [LoggerMessage(LogLevel.Warning, "Rejected a callback to {Path}: Twilio signature invalid (header present: {HeaderPresent})")]
    private static partial void LogRejected(ILogger logger, PathString path, bool headerPresent);

    [LoggerMessage(LogLevel.Warning, "Rejected a callback to {Path}: malformed body ({Reason})")]
    private static partial void LogMalformed(ILogger logger, PathString path, string reason);
}

/// <summary>The function answers Twilio only: <see cref="TwilioWebhookGate"/> reads, parses and verifies the request first.</summary>
public sealed class TwilioSignedAttribute() : FunctionGateAttribute(typeof(TwilioWebhookGate));
