namespace FlexZendesk.Functions.Studio;

/// <summary>A JSON object, because Studio parses only objects into <c>widgets.X.parsed</c>.</summary>
public sealed record StudioAccepted(bool Accepted, string Id, string EventType);
