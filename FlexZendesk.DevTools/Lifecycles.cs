using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlexZendesk.Sandbox;

namespace FlexZendesk.DevTools;

/// <summary>What the soak and end-to-end benchmarks share: the sandbox's control API, signed TaskRouter deliveries, and reading effects back.</summary>
internal static partial class Lifecycles
{
    public static readonly string[] Events = ["task.created", "reservation.accepted", "reservation.wrapup", "task.wrapup", "task.completed"];

    /// <param name="Worker">The agent whose reservation events these are; none: reservations name no worker.</param>
    public sealed record Delivery(string Task, string Event, string Sid, string Attributes, Worker? Worker = null);

    /// <summary>A Flex worker as reservation callbacks name it: its SID and the SSO e-mail of its Zendesk agent.</summary>
    public sealed record Worker(string Sid, string Name, string Email);

    public static HttpClient Sandbox()
    {
        var sandbox = new HttpClient { BaseAddress = new Uri(Environment.GetEnvironmentVariable("FLEXZENDESK_SANDBOX_URL") ?? throw new InvalidOperationException("Run against the sandbox (scripts/run with no Zendesk__BaseUrl).")) };
        sandbox.DefaultRequestHeaders.Add("X-Sandbox-Key", Environment.GetEnvironmentVariable("Sandbox__ControlKey")!);
        return sandbox;
    }

    public static async Task ResetAsync(HttpClient sandbox, int requestsPerMinute, int ticketUpdatesPerMinute)
    {
        (await sandbox.PostAsync("/_sandbox/reset", null)).EnsureSuccessStatusCode();
        (await sandbox.PostAsJsonAsync("/_sandbox/limits", new { requests_per_minute = requestsPerMinute, ticket_updates_per_minute = ticketUpdatesPerMinute })).EnsureSuccessStatusCode();
    }

    public static string NewSid(string prefix) => prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public static async Task SeedTaskAsync(HttpClient sandbox, string taskSid, string workspace, string attributes) =>
        (await sandbox.PostAsJsonAsync("/_sandbox/tasks", new { sid = taskSid, workspace_sid = workspace, attributes })).EnsureSuccessStatusCode();

    /// <summary>The Event Callback's fields for one delivery.</summary>
    public static List<KeyValuePair<string, string>> Fields(DevSettings settings, string workspace, Delivery d)
    {
        List<KeyValuePair<string, string>> fields =
        [
            new("EventType", d.Event), new("AccountSid", settings.AccountSid), new("WorkspaceSid", workspace), new("Sid", d.Sid),
            new("TaskSid", d.Task), new("TaskAttributes", d.Attributes), new("TaskChannelUniqueName", "voice"), new("TaskQueueName", "Bench"),
        ];
        if (d.Worker is { } worker && d.Event.StartsWith("reservation.", StringComparison.Ordinal))
        {
            fields.AddRange([new("WorkerSid", worker.Sid), new("WorkerName", worker.Name), new("WorkerAttributes", $$"""{"email":"{{worker.Email}}","full_name":"{{worker.Name}}"}""")]);
        }

        return fields;
    }

    /// <summary>Records the event in the sandbox's TaskRouter Events resource, as TaskRouter keeps every event.</summary>
    public static async Task RecordAsync(HttpClient sandbox, DevSettings settings, string workspace, Delivery d, CancellationToken cancellationToken) =>
        (await sandbox.PostAsJsonAsync("/_sandbox/events", new { fields = Fields(settings, workspace, d).ToDictionary() }, cancellationToken)).EnsureSuccessStatusCode();

    /// <summary>Posts one delivery signed like TaskRouter (a 503 is retried up to 3 times, as Twilio would); returns the status.</summary>
    public static async Task<HttpStatusCode> SendAsync(HttpClient app, DevSettings settings, string workspace, Delivery d, CancellationToken cancellationToken)
    {
        var fields = Fields(settings, workspace, d);
        var signature = new TwilioWebhookSigner(settings.AuthToken).Sign(settings.PublicBaseUrl.TrimEnd('/') + "/api/taskrouter/events", fields);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/taskrouter/events") { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Add("X-Twilio-Signature", signature);
            using var response = await app.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt >= 3)
            {
                return response.StatusCode;
            }
        }
    }

    public static void Count(ConcurrentDictionary<int, int> statuses, HttpStatusCode status) =>
        statuses.AddOrUpdate((int)status, 1, (_, n) => n + 1);

    public static string Describe(IEnumerable<KeyValuePair<int, int>> statuses) =>
        string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}"));

    public static Dictionary<string, List<JsonNode?>> TicketsByTask(JsonNode state) =>
        state["tickets"]!.AsArray().GroupBy(t => (string?)t!["external_id"] ?? "").ToDictionary(g => g.Key, g => g.ToList());

    /// <summary>New-caller lifecycles without their ticket or a default stage note; extra tickets; extra notes.</summary>
    public static (int Lost, int DuplicateTickets, int DuplicateNotes) Outcome(JsonNode state, IReadOnlyCollection<string> tasks)
    {
        var byTask = TicketsByTask(state);
        var wanted = tasks.ToHashSet(StringComparer.Ordinal);
        var lost = tasks.Count(t => !byTask.TryGetValue(t, out var mine) || Notes(mine, t, "accepted") == 0 || Notes(mine, t, "completed") == 0);
        var duplicateTickets = byTask.Where(g => wanted.Contains(g.Key)).Sum(g => g.Value.Count - 1);
        var duplicateNotes = tasks.Sum(t => byTask.TryGetValue(t, out var mine) ? Math.Max(0, Notes(mine, t, "accepted") - 1) + Math.Max(0, Notes(mine, t, "completed") - 1) : 0);
        return (lost, duplicateTickets, duplicateNotes);
    }

    /// <summary>The comments that carry the note of <paramref name="stage"/> for <paramref name="taskSid"/>.</summary>
    public static IEnumerable<JsonNode> NoteComments(IEnumerable<JsonNode?> tickets, string taskSid, string stage) =>
        tickets.SelectMany(t => t!["comments"]!.AsArray())
            .Where(c => ((string?)c!["body"])?.Contains($"[FlexZendesk {taskSid} {stage}]", StringComparison.Ordinal) == true)!;

    public static int Notes(IEnumerable<JsonNode?> tickets, string taskSid, string stage) => NoteComments(tickets, taskSid, stage).Count();

    /// <summary>Tasks with both default stage notes, on whichever ticket (a reused zd_ticket_id has no external_id).</summary>
    public static int Complete(JsonNode state, IReadOnlyCollection<string> tasks) => CompleteTasks(state, tasks).Count;

    /// <summary>Which of <paramref name="tasks"/> have both default stage notes.</summary>
    public static HashSet<string> CompleteTasks(JsonNode state, IEnumerable<string> tasks)
    {
        // One pass over every comment, indexed by marker: polling thousands of tasks must not rescan per task.
        var markers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var comment in state["tickets"]!.AsArray().SelectMany(t => t!["comments"]!.AsArray()))
        {
            foreach (System.Text.RegularExpressions.Match match in Marker().Matches((string?)comment!["body"] ?? ""))
            {
                markers.Add(match.Value);
            }
        }

        return tasks.Where(t => markers.Contains($"[FlexZendesk {t} accepted]") && markers.Contains($"[FlexZendesk {t} completed]")).ToHashSet(StringComparer.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\[FlexZendesk \S+ \S+\]")]
    private static partial System.Text.RegularExpressions.Regex Marker();

    /// <summary>
    /// Waits until the events queue is empty. Its count includes invisible (in-flight, backed-off) messages, and the
    /// listener deletes a message only after its effects, so an empty queue means every delivery sent so far was
    /// handled to the end, a duplicate's calls included: no quiet period is needed or trusted.
    /// </summary>
    public static async Task QueueEmptyAsync(DevSettings settings, TimeSpan timeout)
    {
        var queue = new Azure.Storage.Queues.QueueClient(settings.Storage, settings.Queue);
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"the events queue did not empty within {timeout.TotalSeconds} s");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Polls the sandbox until every task is complete or nothing progressed for <paramref name="patience"/>.</summary>
    public static async Task<JsonNode> AwaitEffectsAsync(HttpClient sandbox, IReadOnlyCollection<string> tasks, TimeSpan patience, TimeSpan poll)
    {
        var done = -1;
        var lastProgress = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var state = (await sandbox.GetFromJsonAsync<JsonNode>("/_sandbox/state"))!;
            var now = Complete(state, tasks);
            if (now == tasks.Count || lastProgress.Elapsed >= patience)
            {
                return state;
            }

            if (now != done)
            {
                done = now;
                lastProgress.Restart();
            }

            await Task.Delay(poll);
        }
    }

    /// <summary>Zendesk requests of the sandbox's log (time, status, whether it spent the Update Ticket limit too), oldest first.</summary>
    public static List<(DateTimeOffset At, int Status, bool TicketUpdate)> ZendeskRequests(JsonNode state) =>
        [.. state["requests"]!.AsArray()
            .Where(r => (string?)r!["api"] == "zendesk")
            .Select(r => (DateTimeOffset.Parse((string)r!["at"]!, CultureInfo.InvariantCulture), (int)r!["status"]!,
                SandboxGate.IsTicketUpdate((string)r["method"]!, (string)r["path"]!)))
            .OrderBy(r => r.Item1)];

    /// <summary>The most requests in any sliding 60 s window.</summary>
    public static int MaxPerSlidingMinute(IReadOnlyList<DateTimeOffset> times)
    {
        int max = 0, start = 0;
        for (var end = 0; end < times.Count; end++)
        {
            while (times[end] - times[start] >= TimeSpan.FromMinutes(1))
            {
                start++;
            }

            max = Math.Max(max, end - start + 1);
        }

        return max;
    }
}
