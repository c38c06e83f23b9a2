using System.Text.Json;
using System.Text.Json.Serialization;
using FlexZendesk.Functions.Health;
using FlexZendesk.Functions.Studio;

namespace FlexZendesk.Functions;

/// <summary>Source-generated JSON for HTTP answers (trim- and AOT-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StudioAccepted))]
[JsonSerializable(typeof(TicketLookup))]
[JsonSerializable(typeof(FlexZendesk.Functions.Admin.ReplayRequest))]
[JsonSerializable(typeof(FlexZendesk.Core.Queues.PoisonReplay))]
[JsonSerializable(typeof(FlexZendesk.Functions.Admin.TaskReport))]
[JsonSerializable(typeof(FlexZendesk.Functions.Flex.TaskSelected))]
[JsonSerializable(typeof(FlexZendesk.Functions.Flex.SelectAccepted))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(string))]
internal sealed partial class AppJsonContext : JsonSerializerContext;
