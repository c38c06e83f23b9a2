using System.Text;
using Azure.Storage.Queues;
using Azure.Storage.Sas;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Queues;
using FlexZendesk.Sandbox;

namespace FlexZendesk.DevTools;

/// <summary>
/// What scripts/bench-wrk hands to wrk: one signed TaskRouter callback, sent again and again to the app (as a load
/// tool repeats one request), and the floor: the envelope the app makes of that callback, put straight on the queue
/// through Azurite's REST endpoint with an account SAS (no SDK, no .NET on the client side of either). Writes
/// <c>app.lua</c>/<c>app.url</c> and <c>floor.lua</c>/<c>floor.url</c> into the directory given; <c>clear</c> empties the queue.
/// </summary>
internal static class WrkSetup
{
    public static async Task<int> WriteAsync(DevSettings settings, string directory)
    {
        Directory.CreateDirectory(directory);
        var workspace = settings.WorkspaceSid ?? SampleCallback.DefaultWorkspaceSid;
        var callback = IngressBench.Sign(settings, workspace, new TwilioWebhookSigner(settings.AuthToken), 0);
        await File.WriteAllTextAsync(Path.Combine(directory, "app.url"), settings.AppUrl.TrimEnd('/') + "/api/taskrouter/events");
        await File.WriteAllTextAsync(Path.Combine(directory, "app.lua"), Lua(callback.Body, "application/x-www-form-urlencoded", ("X-Twilio-Signature", callback.Signature)));

        var envelope = EnvelopeFactory.Create(EventSources.TaskRouter, callback.Fields, callback.Body, DateTimeOffset.UtcNow, null);
        var message = $"<QueueMessage><MessageText>{Convert.ToBase64String(EnvelopeJson.Serialize(envelope))}</MessageText></QueueMessage>";
        var service = new QueueServiceClient(settings.Storage);
        var queue = service.GetQueueClient(settings.Queue);
        await queue.CreateIfNotExistsAsync();
        var sas = service.GenerateAccountSasUri(AccountSasPermissions.Add, DateTimeOffset.UtcNow.AddHours(2), AccountSasResourceTypes.Object);
        await File.WriteAllTextAsync(Path.Combine(directory, "floor.url"), $"{queue.Uri.AbsoluteUri}/messages{sas.Query}");
        await File.WriteAllTextAsync(Path.Combine(directory, "floor.lua"), Lua(message, "application/xml"));
        Console.WriteLine($"callback {callback.BodyBytes.Length} bytes, queue message {Encoding.UTF8.GetByteCount(message)} bytes");
        return 0;
    }

    public static async Task<int> ClearAsync(DevSettings settings)
    {
        await new QueueClient(settings.Storage, settings.Queue).ClearMessagesAsync();
        return 0;
    }

    private static string Lua(string body, string contentType, params (string Name, string Value)[] headers)
    {
        var lua = new StringBuilder();
        lua.Append("wrk.method = \"POST\"\n");
        lua.Append("wrk.body = ").Append(Quote(body)).Append('\n');
        lua.Append("wrk.headers[\"Content-Type\"] = ").Append(Quote(contentType)).Append('\n');
        foreach (var (name, value) in headers)
        {
            lua.Append("wrk.headers[").Append(Quote(name)).Append("] = ").Append(Quote(value)).Append('\n');
        }

        return lua.ToString();
    }

    // Lua long brackets would do too; escaping keeps one form for any byte.
    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
