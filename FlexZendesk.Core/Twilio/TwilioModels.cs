namespace FlexZendesk.Core.Twilio;

// Wire types of the Twilio REST API (snake_case via TwilioJsonContext). Only the fields FlexZendesk uses.

/// <summary>A TaskRouter task; <see cref="Attributes"/> is a JSON document in a string, as Twilio sends it.</summary>
public sealed record TwilioTask(string Sid, string? Attributes, string? AssignmentStatus);

public sealed record TwilioMessage(string? Sid, string? Author, string? Body, int Index, DateTimeOffset? DateCreated);

public sealed record TwilioMessages(List<TwilioMessage> Messages);

public sealed record TwilioRecording(string Sid, string? CallSid, string? Duration, string? MediaUrl, string? Uri);

public sealed record TwilioRecordings(List<TwilioRecording> Recordings);
