using FlexZendesk.Core.Events;

namespace FlexZendesk.Functions.Webhooks;

/// <summary>A verified Twilio callback: what <see cref="TwilioWebhookGate"/> read, parsed and checked.</summary>
/// <param name="Parameters">Form fields or JSON top-level properties, in received order.</param>
/// <param name="Raw">The body as text.</param>
/// <param name="IdempotencyToken">Twilio's <c>I-Twilio-Idempotency-Token</c>, the same on every retry of a delivery.</param>
public sealed record WebhookPayload(
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    string Raw,
    string? IdempotencyToken)
{
    public FlexEventEnvelope ToEnvelope(string source, TimeProvider clock) =>
        EnvelopeFactory.Create(source, Parameters, Raw, clock.GetUtcNow(), IdempotencyToken);
}
