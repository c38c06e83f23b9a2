using System.Globalization;
using System.Security.Cryptography;
using FlexZendesk.Sandbox;

namespace FlexZendesk.DevTools;

/// <summary>Sends one TaskRouter event callback signed exactly as Twilio signs it.</summary>
internal static class SampleCallback
{
    public const string DefaultWorkspaceSid = "WS00000000000000000000000000000000";
    private const string Path = "/api/taskrouter/events";
    /// <summary>The sample worker: Flex sets <c>email</c> and <c>full_name</c> from the agent's SSO login.</summary>
    public const string WorkerSid = "WK00000000000000000000000000a11ce0";
    public const string WorkerEmail = "alice@example.test";
    private const string SampleAttributes = """{"from":"+14155550100","channelType":"voice","zd_ticket_id":"","zdCustomTags":"[vip billing]"}""";

    public static async Task<int> SendAsync(DevSettings settings, string eventType, string? taskSid = null, string attributes = SampleAttributes)
    {
        var now = DateTimeOffset.UtcNow;
        taskSid ??= "WT" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        List<KeyValuePair<string, string>> fields =
        [
            new("EventType", eventType),
            new("AccountSid", settings.AccountSid),
            new("WorkspaceSid", settings.WorkspaceSid ?? DefaultWorkspaceSid),
            new("EventDescription", $"Sample {eventType} from FlexZendesk.DevTools"),
            new("ResourceType", "task"),
            new("ResourceSid", taskSid),
            new("Sid", "EV" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
            new("Timestamp", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            new("TimestampMs", now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            new("TaskSid", taskSid),
            new("TaskAttributes", attributes),
            new("WorkerName", "Alice"),
            new("TaskChannelUniqueName", "voice"),
            new("TaskQueueName", "Everyone"),
        ];
        if (eventType.StartsWith("reservation.", StringComparison.Ordinal))
        {
            // Reservation callbacks name the worker, as TaskRouter's do.
            fields.Add(new("WorkerSid", WorkerSid));
            fields.Add(new("WorkerAttributes", $$"""{"email":"{{WorkerEmail}}","full_name":"Alice","roles":["agent"]}"""));
        }

        var signature = new TwilioWebhookSigner(settings.AuthToken).Sign(settings.PublicBaseUrl.TrimEnd('/') + Path, fields);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.AppUrl.TrimEnd('/') + Path))
        {
            Content = new FormUrlEncodedContent(fields),
        };
        request.Headers.Add("X-Twilio-Signature", signature);
        using var response = await http.SendAsync(request);
        Console.WriteLine($"POST {Path} {eventType} for {taskSid} -> {(int)response.StatusCode} {response.StatusCode}");
        return response.IsSuccessStatusCode ? 0 : 1;
    }
}
