using System.Text.Json;

namespace FlexZendesk.Functions.Flex;

/// <summary>
/// What the Flex UI plugin sends when an agent selects a task: the task and the agent's Flex token (<c>Token</c>, as
/// Flex backends receive it; or <c>Authorization: Bearer</c>). Whose select it is comes from the token, never the body;
/// the task's attributes come from TaskRouter, never the body (<see cref="Attributes"/> is accepted and ignored).
/// </summary>
public sealed record TaskSelected(string? TaskSid, string? Token, string? WorkspaceSid, JsonElement? Attributes, string? Channel, string? QueueName, string? WorkerName);
