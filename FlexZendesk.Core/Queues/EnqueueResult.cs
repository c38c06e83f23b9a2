namespace FlexZendesk.Core.Queues;

/// <param name="MessageId">The storage queue message id.</param>
/// <param name="Bytes">Size of the JSON message before base64.</param>
/// <param name="RawOmitted">True when the raw body was dropped to fit the message.</param>
/// <param name="PayloadBlob">Set when the envelope went to a blob and the message is a pointer.</param>
public sealed record EnqueueResult(string MessageId, int Bytes, bool RawOmitted, string? PayloadBlob);
