using System.Text.Json.Serialization;
using FlexZendesk.Core.Events;

namespace FlexZendesk.Core;

/// <summary>Source-generated JSON for everything Core writes to storage (trim- and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(FlexEventEnvelope))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
public sealed partial class CoreJsonContext : JsonSerializerContext;
