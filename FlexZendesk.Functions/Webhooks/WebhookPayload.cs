namespace FlexZendesk.Functions.Webhooks;

/// <summary>A verified Twilio callback: what <see cref="TwilioSignatureFilter"/> read, parsed and checked.</summary>
/// <param name="Parameters">Form fields, JSON top-level properties, or (GET) query parameters, in received order.</param>
/// <param name="Raw">The body (or query string for GET) as text.</param>
/// <param name="IdempotencyToken">Twilio's <c>I-Twilio-Idempotency-Token</c>, the same on every retry of a delivery.</param>
public sealed record WebhookPayload(
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    string Raw,
    string? IdempotencyToken);
