using System.Net;
using System.Text.Json;

namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// One app with the standalone listener on, driven like production: signed TaskRouter callbacks in, Zendesk and
/// Twilio effects read back from the sandbox's state.
/// </summary>
internal sealed class FlexScenario : IAsyncDisposable
{
    public const string WorkspaceSid = FunctionsApp.WorkspaceSid;

    /// <summary>host.json's queue settings, overridden the way the host allows: <c>AzureFunctionsJobHost__extensions__queues__…</c>.</summary>
    public const string QueueTrigger = "AzureFunctionsJobHost:extensions:queues:";

    private readonly HttpClient _client;
    private int _eventNumber;

    public FlexScenario(IDictionary<string, string?>? overrides = null, CapturingLoggerProvider? logs = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Queues:Listen"] = "true",
            [QueueTrigger + "visibilityTimeout"] = "00:00:00.5",
            [QueueTrigger + "maxPollingInterval"] = "00:00:00.1",
            ["Ledger:ClaimTimeoutSeconds"] = "5",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        App = new FunctionsApp(settings, logs, services);
        _client = App.CreateClient();
    }

    public FunctionsApp App { get; }

    public static SandboxServer Remote => TestEnvironment.Sandbox;

    public static string NewTaskSid() => "WT" + Guid.NewGuid().ToString("N");

    public static string Attributes(object attributes) => JsonSerializer.Serialize(attributes);

    /// <summary>Creates the task in the sandbox's TaskRouter so write-back has something to write to.</summary>
    public static Task SeedTaskAsync(string taskSid, string attributes) =>
        Remote.PostControlAsync("/_sandbox/tasks", new { sid = taskSid, workspace_sid = WorkspaceSid, attributes });

    /// <summary>Sends one signed TaskRouter event; the same <paramref name="eventSid"/> makes a duplicate delivery.</summary>
    public async Task SendAsync(string eventType, string taskSid, string attributes, string? eventSid = null, string channel = "voice")
    {
        var status = await TrySendAsync(eventType, taskSid, attributes, eventSid, channel);
        Assert.That(status, Is.EqualTo(HttpStatusCode.NoContent));
    }

    /// <summary>
    /// A reservation event of a worker, as TaskRouter sends it: <c>WorkerSid</c>, <c>WorkerAttributes</c> (a JSON
    /// string) and the event's own time, now (a screen pop is only worth it for a fresh event).
    /// </summary>
    public async Task SendForWorkerAsync(string eventType, string taskSid, string attributes, string workerSid, string workerName, object workerAttributes)
    {
        var now = DateTimeOffset.UtcNow;
        var fields = Fields(eventType, taskSid, attributes, eventSid: null, "voice")
            .Where(f => f.Key is not ("Timestamp" or "TimestampMs" or "WorkerName"))
            .Append(new("Timestamp", now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Append(new("TimestampMs", now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Append(new("WorkerSid", workerSid))
            .Append(new("WorkerName", workerName))
            .Append(new("WorkerAttributes", JsonSerializer.Serialize(workerAttributes)))
            .ToList();
        Assert.That(await DeliverAsync(fields), Is.EqualTo(HttpStatusCode.NoContent));
    }

    /// <summary>Like <see cref="SendAsync"/> but returns the status (503 while storage is down) instead of asserting.</summary>
    public async Task<HttpStatusCode> TrySendAsync(string eventType, string taskSid, string attributes, string? eventSid = null, string channel = "voice") =>
        await DeliverAsync(Fields(eventType, taskSid, attributes, eventSid, channel));

    /// <summary>
    /// One TaskRouter event as TaskRouter makes it: recorded in the sandbox's Events resource and, when
    /// <paramref name="webhook"/> is on, delivered to the app's Event Callback URL (asserting 204).
    /// </summary>
    public async Task EmitAsync(string eventType, string taskSid, string attributes, bool webhook)
    {
        var fields = Fields(eventType, taskSid, attributes, eventSid: null, "voice");
        await Remote.PostControlAsync("/_sandbox/events", new { fields = fields.ToDictionary() });
        if (webhook)
        {
            Assert.That(await DeliverAsync(fields), Is.EqualTo(HttpStatusCode.NoContent));
        }
    }

    private List<KeyValuePair<string, string>> Fields(string eventType, string taskSid, string attributes, string? eventSid, string channel)
    {
        var sid = eventSid ?? "EV" + Guid.NewGuid().ToString("N");
        return TaskRouterSamples.Event(eventType, sid, attributes)
            .Select(f => f.Key switch
            {
                "TaskSid" or "ResourceSid" => new KeyValuePair<string, string>(f.Key, taskSid),
                "TaskChannelUniqueName" => new(f.Key, channel),
                "EventDescription" => new(f.Key, $"{eventType} #{Interlocked.Increment(ref _eventNumber)}"),
                _ => f,
            })
            .Append(new("WorkerName", "Alice"))
            .ToList();
    }

    private async Task<HttpStatusCode> DeliverAsync(List<KeyValuePair<string, string>> fields)
    {
        using var response = await _client.SendAsync(App.Signer.Form("/api/taskrouter/events", fields));
        return response.StatusCode;
    }

    /// <summary>
    /// Waits until the queue is empty. The count includes invisible (in-flight or backed-off) messages, and the
    /// listener deletes a message only after its effects (a reschedule or poison copy is written first), so an
    /// empty queue means every sent event has been fully handled: no quiet period is needed or trusted.
    /// </summary>
    public async Task DrainAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while ((await App.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("the queue did not drain in time");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Polls until <paramref name="done"/> holds (for work that rescheduled messages make invisible for a while); on a
    /// timeout the failure says what <paramref name="state"/> found then.
    /// </summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> done, TimeSpan timeout, Func<Task<string>>? state = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"not done within {timeout.TotalSeconds} s{(state is null ? "" : ": " + await state())}");
            }

            await Task.Delay(100);
        }
    }

    public static async Task<List<JsonElement>> TicketsAsync() =>
        [.. (await Remote.StateAsync()).GetProperty("tickets").EnumerateArray()];

    public static async Task<JsonElement> TicketForAsync(string taskSid) =>
        (await TicketsAsync()).Single(t => t.GetProperty("external_id").GetString() == taskSid);

    public static IEnumerable<string> Comments(JsonElement ticket) =>
        ticket.GetProperty("comments").EnumerateArray().Select(c => c.GetProperty("body").GetString()!);

    public static List<string> Tags(JsonElement ticket) =>
        [.. ticket.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)];

    /// <summary>How many notes carry the marker of this task and stage: exactly-once means 1.</summary>
    public static int NotesFor(JsonElement ticket, string taskSid, string stage) =>
        Comments(ticket).Count(c => c.Contains($"[FlexZendesk {taskSid} {stage}]", StringComparison.Ordinal));

    public static async Task<List<JsonElement>> ZendeskRequestsAsync() =>
        [.. (await Remote.StateAsync()).GetProperty("requests").EnumerateArray().Where(r => r.GetProperty("api").GetString() == "zendesk")];

    public static async Task<string> TaskAttributesAsync(string taskSid) =>
        (await Remote.StateAsync()).GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("sid").GetString() == taskSid).GetProperty("attributes").GetString()!;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await App.DisposeAsync();
    }
}
