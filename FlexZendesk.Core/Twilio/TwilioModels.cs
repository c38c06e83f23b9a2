namespace FlexZendesk.Core.Twilio;

/// <summary>A task's attributes as read, with the version to send back in <c>If-Match</c> (null when Twilio sent none).</summary>
public sealed record TaskVersion(string? Attributes, string? ETag);

/// <summary>A call as Twilio's Calls resource answers it: its lines, direction and times.</summary>
/// <param name="Direction"><c>inbound</c>, <c>outbound-api</c> or <c>outbound-dial</c>.</param>
/// <param name="Duration">Seconds, once the call ended.</param>
public sealed record TwilioCall(string? From, string? To, string? Direction, DateTime? StartTime, DateTime? EndTime, int? Duration);

/// <summary>One recording of a call: <see cref="Link"/> is the API resource; its media is the link plus <c>.mp3</c> or <c>.wav</c>.</summary>
public sealed record CallRecording(string Sid, string Link, DateTime? StartTime, int Duration)
{
    public string Mp3 => Link + ".mp3";
}

/// <summary>A worker who took a task (its reservation accepted, wrapping or completed), and when the reservation was made.</summary>
public sealed record TaskWorker(string WorkerSid, string? Name, DateTime? ReservedAt);
