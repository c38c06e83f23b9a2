using System.Text.Json.Serialization;

namespace FlexZendesk.Functions.Queues;

/// <summary>The custom-handler reply: always a JSON object, so the host never waits on an empty body.</summary>
public sealed record InvocationResult(
    [property: JsonPropertyName("Outputs")] Dictionary<string, string> Outputs,
    [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
    [property: JsonPropertyName("ReturnValue")] string? ReturnValue);
