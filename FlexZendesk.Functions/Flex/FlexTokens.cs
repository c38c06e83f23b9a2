using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Serialization;
using FlexZendesk.Core.Text;
using FlexZendesk.Core.Twilio;
using FlexZendesk.Core;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Flex;

/// <summary>The agent a valid Flex token belongs to, as Twilio answers for it.</summary>
/// <param name="RealmUserId">The agent's SSO login (usually their e-mail). Personal data: never above Debug.</param>
public sealed record FlexAgent(string WorkerSid, string? RealmUserId, string? Identity, DateTimeOffset Expiration);

/// <summary>
/// Validates the agent's Flex token with Twilio (<c>POST https://iam.twilio.com/v1/Accounts/{AC}/Tokens/validate</c>,
/// Basic account credentials, JSON <c>{"token": …}</c>), through the Twilio HTTP client (so <c>Twilio:ApiBaseUrl</c>
/// sends it to the sandbox like every other Twilio call). A valid answer is cached until the token's own expiry (at
/// most an hour), a refusal for a minute, both keyed by the token's hash, in a bounded cache; the token itself is never
/// logged or kept.
/// </summary>
public sealed partial class FlexTokens(IHttpClientFactory http, IOptions<TwilioOptions> options, TimeProvider clock, ILogger<FlexTokens> logger) : IDisposable
{
    private static readonly TimeSpan MaxValid = TimeSpan.FromHours(1);
    private static readonly TimeSpan Refused = TimeSpan.FromMinutes(1);
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public void Dispose() => _cache.Dispose();

    /// <returns>The token's agent, or null when Twilio says the token is not valid (forged, expired, not a Flex token of this account).</returns>
    /// <exception cref="RetryableException">Twilio did not answer, or refused our own credentials: the caller answers 503.</exception>
    public async Task<FlexAgent?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var key = Hashes.Sha256Hex(token, 64);
        if (_cache.TryGetValue(key, out FlexAgent? known))
        {
            return known is not null && known.Expiration > clock.GetUtcNow() ? known : null;
        }

        var agent = await AskTwilioAsync(token, cancellationToken);
        var now = clock.GetUtcNow();
        var lifetime = agent is null ? Refused : agent.Expiration - now < MaxValid ? agent.Expiration - now : MaxValid;
        if (lifetime > TimeSpan.Zero)
        {
            _cache.Set(key, agent, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime, Size = 1 });
        }

        return agent is not null && agent.Expiration > now ? agent : null;
    }

    private async Task<FlexAgent?> AskTwilioAsync(string token, CancellationToken cancellationToken)
    {
        var twilio = options.Value;
        var (user, secret) = twilio.RestCredentials;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"https://iam.twilio.com/v1/Accounts/{twilio.AccountSid}/Tokens/validate")
        {
            Content = JsonContent.Create(new TokenQuestion(token), FlexTokenJson.Default.TokenQuestion),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        HttpResponseMessage response;
        try
        {
            response = await http.CreateClient(TwilioRest.HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new RetryableException($"Twilio token validation: no answer ({ex.GetType().Name})", inner: ex);
        }

        using (response)
        {
            // Twilio's own validator library decides on the answer's valid field, whatever the status: Twilio documents
            // no status for a forged or expired token. Only an answer without that field is judged by its status.
            var answer = await ReadAnswerAsync(response, cancellationToken);
            if (answer?.Valid is { } valid)
            {
                if (valid && answer.WorkerSid is { Length: > 0 } worker)
                {
                    return new FlexAgent(worker, answer.RealmUserId, answer.Identity, answer.Expiration ?? clock.GetUtcNow().Add(Refused));
                }

                LogRefused(logger, (int)response.StatusCode, answer.Code);
                return null;
            }

            if (response.IsSuccessStatusCode || response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity)
            {
                // Twilio found nothing to validate in it: a token that is not one.
                LogRefused(logger, (int)response.StatusCode, answer?.Code);
                return null;
            }

            // 401/403 with Twilio's error body is our account's credentials, 429/5xx Twilio's state: not the agent's fault.
            throw new RetryableException($"Twilio token validation: HTTP {(int)response.StatusCode}{(answer?.Code is { } code ? $" (Twilio error {code})" : "")}");
        }
    }

    /// <summary>The answer's JSON, or null when it is none (an HTML error page, an empty body).</summary>
    private static async Task<TokenAnswer?> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(FlexTokenJson.Default.TokenAnswer, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(LogLevel.Information, "A Flex token was refused by Twilio's validation (HTTP {Status}, code {Code})")]
    private static partial void LogRefused(ILogger logger, int status, int? code);
}

internal sealed record TokenQuestion(string Token);

/// <summary>
/// Twilio's answer: <c>valid</c>, <c>code</c>, <c>expiration</c>, <c>realm_user_id</c>, <c>identity</c>, <c>worker_sid</c>;
/// also Twilio's error body (<c>code</c>, <c>message</c>, no <c>valid</c>).
/// </summary>
internal sealed record TokenAnswer(bool? Valid, int? Code, DateTimeOffset? Expiration, string? RealmUserId, string? Identity, string? WorkerSid);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TokenQuestion))]
[JsonSerializable(typeof(TokenAnswer))]
internal sealed partial class FlexTokenJson : JsonSerializerContext;
