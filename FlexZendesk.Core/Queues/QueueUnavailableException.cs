namespace FlexZendesk.Core.Queues;

/// <summary>Storage could not take the message; the caller should answer 503 so Twilio retries.</summary>
public sealed class QueueUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
