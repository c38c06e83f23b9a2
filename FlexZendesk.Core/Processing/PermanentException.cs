namespace FlexZendesk.Core.Processing;

/// <summary>A failure no retry fixes (422 on a closed ticket, 400): logged with its reason and acknowledged.</summary>
public sealed class PermanentException(string reason) : Exception(reason);
