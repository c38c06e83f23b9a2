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
/// <c>app.lua</c>/<c>app.url</c>, <c>floor.lua</c>/<c>floor.url</c> and <c>filtered.lua</c>/<c>filtered.url</c> (a
/// callback the app answers without a storage call) into the directory given. The floor's queue is
/// its own (<see cref="FloorQueue"/>), which no listener drains, deleted after each run (clearing a deep queue takes
/// in-memory Azurite minutes; deleting it does not).
/// </summary>
internal static class WrkSetup
{
    public const string FloorQueue = "wrk-floor";

    public static async Task<int> WriteAsync(DevSettings settings, string directory)
    {
        Directory.CreateDirectory(directory);
        var workspace = settings.WorkspaceSid ?? SampleCallback.DefaultWorkspaceSid;
        var signer = new TwilioWebhookSigner(settings.AuthToken);
        async Task<IngressBench.Callback> WriteCallback(string name, string eventType)
        {
            var signed = IngressBench.Sign(settings, workspace, signer, 0, eventType);
            await File.WriteAllTextAsync(Path.Combine(directory, name + ".url"), settings.AppUrl.TrimEnd('/') + "/api/taskrouter/events");
            await File.WriteAllTextAsync(Path.Combine(directory, name + ".lua"), Lua(signed.Body, "application/x-www-form-urlencoded", ("X-Twilio-Signature", signed.Signature)));
            return signed;
        }

        var callback = await WriteCallback("app", "reservation.accepted");
        // The same callback with an event type outside Ingress:EventTypes: signature checked, envelope built, answered
        // 204 without a storage call. What the app's own front (Kestrel, gate, function) costs, apart from the send.
        await WriteCallback("filtered", "worker.activity.update");

        var envelope = EnvelopeFactory.Create(EventSources.TaskRouter, callback.Fields, callback.Body, DateTimeOffset.UtcNow, null);
        var message = $"<QueueMessage><MessageText>{Convert.ToBase64String(EnvelopeJson.Serialize(envelope))}</MessageText></QueueMessage>";
        var service = new QueueServiceClient(settings.Storage);
        var queue = service.GetQueueClient(FloorQueue);
        await queue.CreateIfNotExistsAsync();
        var sas = service.GenerateAccountSasUri(AccountSasPermissions.Add, DateTimeOffset.UtcNow.AddHours(2), AccountSasResourceTypes.Object);
        await File.WriteAllTextAsync(Path.Combine(directory, "floor.url"), $"{queue.Uri.AbsoluteUri}/messages{sas.Query}");
        await File.WriteAllTextAsync(Path.Combine(directory, "floor.lua"), Lua(message, "application/xml"));
        await File.WriteAllTextAsync(Path.Combine(directory, "floor.xml"), message);
        // The same message as the SDK sends it (SharedKey authorization, the SDK's headers), captured once and replayed:
        // Azurite checks the signature, not the age of x-ms-date. Shows what the SDK's request shape costs the floor.
        var capture = new CapturePolicy();
        var options = new QueueClientOptions();
        options.AddPolicy(capture, Azure.Core.HttpPipelinePosition.BeforeTransport);
        await new QueueServiceClient(settings.Storage, options).GetQueueClient(FloorQueue).SendMessageAsync(BinaryData.FromBytes(EnvelopeJson.Serialize(envelope)));
        await File.WriteAllTextAsync(Path.Combine(directory, "floor-sharedkey.url"), capture.Url!);
        await File.WriteAllTextAsync(Path.Combine(directory, "floor-sharedkey.lua"), Lua(capture.Body!, "application/xml", [.. capture.Headers.Where(h => h.Name is not ("Content-Type" or "Content-Length" or "Host"))]));
        Console.WriteLine($"callback {callback.BodyBytes.Length} bytes, queue message {Encoding.UTF8.GetByteCount(message)} bytes");
        return 0;
    }

    private sealed class CapturePolicy : Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        public string? Url { get; private set; }
        public string? Body { get; private set; }
        public List<(string Name, string Value)> Headers { get; } = [];

        public override void OnSendingRequest(Azure.Core.HttpMessage message)
        {
            Url = message.Request.Uri.ToString();
            using var stream = new MemoryStream();
            message.Request.Content!.WriteTo(stream, CancellationToken.None);
            Body = Encoding.UTF8.GetString(stream.ToArray());
            Headers.AddRange(message.Request.Headers.Select(h => (h.Name, h.Value)));
        }
    }

    /// <summary>Deletes the floor's queue (or the one named: the app's, so both sides start from an empty queue) and makes it anew, empty.</summary>
    public static async Task<int> ResetFloorAsync(DevSettings settings, string queueName = FloorQueue)
    {
        var queue = new QueueClient(settings.Storage, queueName);
        await queue.DeleteIfExistsAsync();
        // Storage refuses to re-create a queue for a while after its deletion (409 QueueBeingDeleted): wait it out.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await queue.CreateIfNotExistsAsync();
                return 0;
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 409 && attempt < 100)
            {
                await Task.Delay(100);
            }
        }
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
