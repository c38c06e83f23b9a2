namespace FlexZendesk.Functions.Studio;

/// <summary>Studio's answer: <c>{{widgets.lookup.parsed.valid}}</c> drives the IVR's re-prompt.</summary>
/// <param name="Reason">When not valid: <c>invalid</c> (not a number), <c>not_found</c>, <c>closed</c>, <c>unavailable</c> (Zendesk slow or down).</param>
public sealed record TicketLookup(bool Valid, long? TicketId, string? Status, string? Reason);
