namespace FlexZendesk.Functions.Admin;

/// <param name="Ids">Envelope ids or poison message ids to replay; none = all.</param>
public sealed record ReplayRequest(List<string>? Ids);

public sealed record ReplayReport(int Replayed, int Skipped, int Unreadable);
