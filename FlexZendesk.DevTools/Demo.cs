using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlexZendesk.DevTools;

/// <summary>
/// The README demo: an inbound call's lifecycle (created → accepted → completed, empty zd_ticket_id, custom tags)
/// sent as signed TaskRouter callbacks to the running app, then the ticket, tags and notes read back from the sandbox.
/// </summary>
internal static class Demo
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(DevSettings settings)
    {
        var sandboxUrl = Environment.GetEnvironmentVariable("FLEXZENDESK_SANDBOX_URL")
            ?? throw new InvalidOperationException("The demo needs the sandbox (scripts/run starts it unless Zendesk__BaseUrl is set).");
        using var sandbox = new HttpClient { BaseAddress = new Uri(sandboxUrl) };
        sandbox.DefaultRequestHeaders.Add("X-Sandbox-Key", Environment.GetEnvironmentVariable("Sandbox__ControlKey") ?? "sandbox-control-key");

        var taskSid = "WT" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var callSid = "CA" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var attributes = $$"""{"from":"+14155550100","to":"+18005550199","channelType":"voice","call_sid":"{{callSid}}","zd_ticket_id":"","zdCustomTags":"[vip billing ]"}""";
        var workspace = settings.WorkspaceSid ?? SampleCallback.DefaultWorkspaceSid;
        (await sandbox.PostAsJsonAsync("/_sandbox/tasks", new { sid = taskSid, workspace_sid = workspace, attributes })).EnsureSuccessStatusCode();
        // The agent who takes the call: a Zendesk agent with the worker's SSO e-mail, with Zendesk open in a browser tab.
        (await sandbox.PostAsJsonAsync("/_sandbox/users", new { name = "Alice", email = SampleCallback.WorkerEmail, role = "agent", online = true })).EnsureSuccessStatusCode();
        // The caller's call in Twilio, recorded: at completion it becomes a voice comment the agent plays in the ticket.
        (await sandbox.PostAsJsonAsync($"/_sandbox/calls/{callSid}", new { from = "+14155550100", to = "+18005550199", duration = 95, started_seconds_ago = 120 })).EnsureSuccessStatusCode();
        (await sandbox.PostAsJsonAsync($"/_sandbox/calls/{callSid}/recordings", new { duration = 80, transcription = "Hi, I was billed twice this month." })).EnsureSuccessStatusCode();

        Console.WriteLine($"Demo: inbound call, task {taskSid}, caller +14155550100, zd_ticket_id \"\", zdCustomTags \"[vip billing ]\"");
        foreach (var eventType in new[] { "task.created", "reservation.accepted", "task.completed" })
        {
            if (await SampleCallback.SendAsync(settings, eventType, taskSid, attributes) != 0)
            {
                return 1;
            }

            await Task.Delay(300);
        }

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var state = await sandbox.GetFromJsonAsync<JsonNode>("/_sandbox/state");
            var ticket = state?["tickets"]?.AsArray().FirstOrDefault(t => (string?)t?["external_id"] == taskSid);
            var notes = ticket?["comments"]?.AsArray().Count(c => ((string?)c?["body"])?.Contains($"[FlexZendesk {taskSid} ", StringComparison.Ordinal) == true) ?? 0;
            var voice = ticket?["comments"]?.AsArray().Any(c => (string?)c?["type"] == "VoiceComment") == true;
            var task = state?["tasks"]?.AsArray().FirstOrDefault(t => (string?)t?["sid"] == taskSid);
            if (ticket is not null && notes >= 2 && voice && ((string?)task?["attributes"])?.Contains("zd_ticket_id\":\"" + ticket["id"], StringComparison.Ordinal) == true)
            {
                Print(ticket, task!, state!);
                return 0;
            }

            await Task.Delay(250);
        }

        Console.Error.WriteLine("Demo: the ticket did not appear within 60 s; see the app log.");
        return 1;
    }

    private static void Print(JsonNode ticket, JsonNode task, JsonNode state)
    {
        var requester = state["users"]!.AsArray().FirstOrDefault(u => (long?)u?["id"] == (long?)ticket["requester_id"]);
        Console.WriteLine();
        Console.WriteLine($"Zendesk ticket #{ticket["id"]} \"{ticket["subject"]}\" ({ticket["status"]})");
        Console.WriteLine($"  requester: #{requester?["id"]} {requester?["name"]} {requester?["phone"]}");
        Console.WriteLine($"  tags:      {string.Join(", ", ticket["tags"]!.AsArray().Select(t => (string?)t))}");
        var assignee = state["users"]!.AsArray().FirstOrDefault(u => (long?)u?["id"] == (long?)ticket["assignee_id"]);
        Console.WriteLine($"  assignee:  {(assignee is null ? "(none)" : $"#{assignee["id"]} {assignee["name"]} ({assignee["role"]})")}");
        foreach (var pop in state["pops"]!.AsArray())
        {
            var agent = state["users"]!.AsArray().FirstOrDefault(u => (long?)u?["id"] == (long?)pop?["agent_id"]);
            Console.WriteLine($"  screen pop: {agent?["name"]}'s Zendesk screen opened {pop?["kind"]} #{pop?["id"]}");
        }

        foreach (var comment in ticket["comments"]!.AsArray())
        {
            var author = state["users"]!.AsArray().FirstOrDefault(u => (long?)u?["id"] == (long?)comment?["author_id"]);
            var kind = (string?)comment?["type"] == "VoiceComment" ? "voice comment" : (bool?)comment?["public"] == true ? "public comment" : "internal note";
            Console.WriteLine($"  --- {kind} by {author?["name"] ?? "the API user"} ---");
            if (comment?["data"]?["recording_url"] is { } recording)
            {
                Console.WriteLine($"  ▶ plays {recording}");
            }

            foreach (var line in Compact((string?)comment?["body"] ?? ""))
            {
                Console.WriteLine("  " + line);
            }
        }

        Console.WriteLine($"Task attributes after screen-pop write-back: {task["attributes"]}");
        var zendeskCalls = state["requests"]!.AsArray().Count(r => (string?)r?["api"] == "zendesk");
        Console.WriteLine($"Zendesk calls for this task: {zendeskCalls}");
        Console.WriteLine("Demo complete.");
    }

    private static readonly System.Text.Json.JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The note's lines, its indented attributes block shown on one line (the note in Zendesk keeps it indented).</summary>
    private static IEnumerable<string> Compact(string body)
    {
        var lines = body.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i] == "Attributes:" && i + 1 < lines.Length && lines[i + 1].StartsWith('{'))
            {
                var end = Array.FindIndex(lines, i + 1, l => l.StartsWith('}'));
                var block = string.Join('\n', lines[(i + 1)..((end < 0 ? lines.Length - 1 : end) + 1)]);
                yield return "Attributes: " + (JsonNode.Parse(block)?.ToJsonString(Readable) ?? block);
                i = end < 0 ? lines.Length : end;
                continue;
            }

            yield return lines[i];
        }
    }
}
