using System.Text.Json;

namespace FlexZendesk.Functions.Flex;

/// <summary>What a Flex UI plugin knows when an agent selects a task.</summary>
public sealed record TaskSelected(string? TaskSid, string? WorkspaceSid, JsonElement? Attributes, string? Channel, string? QueueName, string? WorkerName);
