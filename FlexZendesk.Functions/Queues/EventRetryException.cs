namespace FlexZendesk.Functions.Queues;

/// <summary>
/// Thrown by the queue function when a later delivery can succeed: the host (or the no-host listener) makes the
/// message visible again, and poisons it after <c>maxDequeueCount</c> deliveries. The reason is the failure's, with
/// no secret in it (it comes from classified API errors).
/// </summary>
public sealed class EventRetryException(string reason) : Exception(reason);
