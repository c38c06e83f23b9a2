using System.Text.Json.Serialization;

namespace FlexZendesk.Core.Zendesk;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ZendeskUsers))]
[JsonSerializable(typeof(ZendeskUserBody))]
[JsonSerializable(typeof(ZendeskUserResult))]
[JsonSerializable(typeof(ZendeskNewTicketBody))]
[JsonSerializable(typeof(ZendeskTicketResult))]
[JsonSerializable(typeof(ZendeskTickets))]
[JsonSerializable(typeof(ZendeskTicketUpdateBody))]
[JsonSerializable(typeof(ZendeskTags))]
[JsonSerializable(typeof(ZendeskComments))]
[JsonSerializable(typeof(ZendeskCallBody))]
[JsonSerializable(typeof(ZendeskCallResult))]
public sealed partial class ZendeskJsonContext : JsonSerializerContext;
