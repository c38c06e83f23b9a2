namespace FlexZendesk.Functions.Health;

/// <param name="Status"><c>Healthy</c> or <c>Unhealthy</c>.</param>
/// <param name="Storage"><c>reachable</c> or <c>unreachable</c>.</param>
/// <param name="QueueExists">Whether the events queue exists yet (it is created with the first message).</param>
public sealed record HealthReport(string Status, string Version, string Storage, string Queue, bool? QueueExists);
