using System.Text.Json.Serialization;

namespace FlexZendesk.Core.Twilio;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(TwilioTask))]
[JsonSerializable(typeof(TwilioMessages))]
[JsonSerializable(typeof(TwilioRecordings))]
public sealed partial class TwilioJsonContext : JsonSerializerContext;
