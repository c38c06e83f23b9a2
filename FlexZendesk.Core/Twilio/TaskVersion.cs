namespace FlexZendesk.Core.Twilio;

/// <summary>A task's attributes as read, with the version to send back in <c>If-Match</c> (null when Twilio sent none).</summary>
public sealed record TaskVersion(string? Attributes, string? ETag);
