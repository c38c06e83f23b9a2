using FlexZendesk.Functions.Gates;

namespace FlexZendesk.Functions.Webhooks;

/// <summary>The function answers Twilio only: <see cref="TwilioWebhookGate"/> reads, parses and verifies the request first.</summary>
public sealed class TwilioSignedAttribute() : FunctionGateAttribute(typeof(TwilioWebhookGate));
