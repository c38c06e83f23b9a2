using System.Text.Json;

namespace FlexZendesk.Sandbox;

/// <summary>The Twilio REST subset: TaskRouter task read/update with ETag/If-Match, Conversations messages, call recordings.</summary>
public static class TwilioApi
{
    private static readonly string[] WorkspaceFields = ["EventCallbackUrl", "EventsFilter", "FriendlyName"];
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void MapTwilio(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/Workspaces/{workspace}/Tasks/{sid}", (string workspace, string sid, HttpContext http, SandboxState s, SandboxOptions o) =>
        {
            lock (s.Gate)
            {
                if (!s.Tasks.TryGetValue(sid, out var task) || task.WorkspaceSid != workspace)
                {
                    return NotFound(http);
                }

                var answer = TaskResult(http, task, o);
                if (task.ConcurrentWrite is { } write)
                {
                    // The answer above carries the version read; the task moves on before the reader can write.
                    task.ConcurrentWrite = null;
                    var attributes = System.Text.Json.Nodes.JsonNode.Parse(task.Attributes)!.AsObject();
                    attributes[write.Key] = write.Value;
                    task.Attributes = attributes.ToJsonString();
                    task.Version++;
                    task.DateUpdated = s.Now;
                }

                return answer;
            }
        });
        app.MapPost("/v1/Workspaces/{workspace}/Tasks/{sid}", UpdateTask);
        MapCalls(app);
        // Workspace update: the settable fields FlexZendesk's setup uses (Twilio's names, form-encoded), echoed back.
        app.MapPost("/v1/Workspaces/{workspace}", async (string workspace, HttpContext http, SandboxState s) =>
        {
            var form = await http.Request.ReadFormAsync();
            lock (s.Gate)
            {
                var fields = s.Workspaces.TryGetValue(workspace, out var existing) ? existing : s.Workspaces[workspace] = new(StringComparer.Ordinal);
                foreach (var name in WorkspaceFields)
                {
                    if (form.TryGetValue(name, out var value))
                    {
                        fields[name] = value.ToString();
                    }
                }

                return Results.Json(new
                {
                    sid = workspace,
                    event_callback_url = fields.GetValueOrDefault("EventCallbackUrl"),
                    events_filter = fields.GetValueOrDefault("EventsFilter"),
                    url = $"https://taskrouter.twilio.com/v1/Workspaces/{workspace}",
                }, Json);
            }
        });
        app.MapGet("/v1/Conversations/{conversation}/Messages", (string conversation, int? pageSize, int? page, SandboxState s) =>
        {
            // Twilio's description: PageSize 1-100 (50 by default). What Twilio answers above it is undocumented: refusing is
            // the safe stand-in (an app that asks for more must not pass here and fail there).
            var size = pageSize ?? 50;
            if (size is < 1 or > 100)
            {
                return Results.Json(new { code = 20001, message = "PageSize must be between 1 and 100", more_info = "https://www.twilio.com/docs/errors/20001", status = 400 }, Json, statusCode: 400);
            }

            lock (s.Gate)
            {
                var messages = s.Conversations.GetValueOrDefault(conversation) ?? [];
                var index = Math.Max(0, page ?? 0);
                var url = $"https://conversations.twilio.com/v1/Conversations/{conversation}/Messages?PageSize={size}&Page=";
                var more = (index + 1) * size < messages.Count;
                return Results.Json(new
                {
                    messages = messages.Skip(index * size).Take(size).Select(m => new { sid = m.Sid, conversation_sid = m.ConversationSid, author = m.Author, body = m.Body, index = m.Index, date_created = m.DateCreated }),
                    // Twilio's v1 paging block, whole: the SDK's page reader needs every field.
                    meta = new
                    {
                        page = index,
                        page_size = size,
                        first_page_url = url + "0",
                        previous_page_url = index == 0 ? null : url + (index - 1) + "&PageToken=PT" + (index - 1),
                        url = url + index,
                        next_page_url = more ? url + (index + 1) + "&PageToken=PT" + (index + 1) : null,
                        key = "messages",
                    },
                }, Json);
            }
        });
        // A call's recordings, a conference's (Flex records a call as a conference), and one recording by SID (the
        // recordings a task's attributes name); the seeds say whose each is.
        app.MapGet("/2010-04-01/Accounts/{account}/Calls/{call}/Recordings", (string account, string call, SandboxState s) =>
        {
            lock (s.Gate)
            {
                return Page("recordings", (s.Recordings.GetValueOrDefault(call) ?? []).Select(r => RecordingJson(account, r)), $"/2010-04-01/Accounts/{account}/Calls/{call}/Recordings.json");
            }
        });
        app.MapGet("/2010-04-01/Accounts/{account}/Conferences/{conference}/Recordings", (string account, string conference, SandboxState s) =>
        {
            lock (s.Gate)
            {
                return Page("recordings", (s.Recordings.GetValueOrDefault(conference) ?? []).Select(r => RecordingJson(account, r)), $"/2010-04-01/Accounts/{account}/Conferences/{conference}/Recordings.json");
            }
        });
        app.MapGet("/2010-04-01/Accounts/{account}/Recordings/{recording}", (string account, string recording, HttpContext http, SandboxState s) =>
        {
            lock (s.Gate)
            {
                return s.Recordings.Values.SelectMany(l => l).FirstOrDefault(r => r.Sid == recording) is { } found
                    ? Results.Json(RecordingJson(account, found), Json)
                    : NotFound(http);
            }
        });
    }

    /// <summary>A recording as the 2010 API answers it (the fields its published schema declares that the sandbox knows).</summary>
    private static Dictionary<string, object?> RecordingJson(string account, TwRecording r) => new()
    {
        ["sid"] = r.Sid,
        ["account_sid"] = account,
        ["call_sid"] = r.CallSid,
        ["conference_sid"] = r.ConferenceSid,
        ["duration"] = r.Duration.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["status"] = "completed",
        ["uri"] = $"/2010-04-01/Accounts/{account}/Recordings/{r.Sid}.json",
        ["date_created"] = r.DateCreated.ToString("r", System.Globalization.CultureInfo.InvariantCulture),
        ["start_time"] = r.DateCreated.AddSeconds(-r.Duration).ToString("r", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A 2010-04-01 API list answer: the items under <paramref name="key"/> and the paging fields, at the top level (one page).</summary>
    private static IResult Page<T>(string key, IEnumerable<T> items, string uri)
    {
        var list = items.ToList();
        var first = uri + "?PageSize=50&Page=0";
        return Results.Json(new Dictionary<string, object?>
        {
            [key] = list,
            ["first_page_uri"] = first,
            ["end"] = Math.Max(0, list.Count - 1),
            ["previous_page_uri"] = null,
            ["uri"] = first,
            ["page_size"] = 50,
            ["start"] = 0,
            ["next_page_uri"] = null,
            ["page"] = 0,
        }, Json);
    }

    /// <summary>A call (<c>GET …/Calls/{CA}</c>) and a recording's transcriptions (<c>GET …/Recordings/{RE}/Transcriptions</c>).</summary>
    private static void MapCalls(IEndpointRouteBuilder app)
    {
        app.MapGet("/2010-04-01/Accounts/{account}/Calls/{call}", (string account, string call, HttpContext http, SandboxState s) =>
        {
            lock (s.Gate)
            {
                if (!s.TwilioCalls.TryGetValue(call, out var c))
                {
                    return NotFound(http);
                }

                var r = System.Globalization.CultureInfo.InvariantCulture;
                return Results.Json(new
                {
                    sid = c.Sid,
                    account_sid = account,
                    from = c.From,
                    to = c.To,
                    direction = c.Direction,
                    status = c.Duration is null ? "in-progress" : "completed",
                    start_time = c.StartTime.ToString("r", r),
                    end_time = c.Duration is { } d ? c.StartTime.AddSeconds(d).ToString("r", r) : null,
                    duration = c.Duration?.ToString(r),
                    uri = $"/2010-04-01/Accounts/{account}/Calls/{c.Sid}.json",
                }, Json);
            }
        });
        app.MapGet("/2010-04-01/Accounts/{account}/Recordings/{recording}/Transcriptions", (string account, string recording, SandboxState s) =>
        {
            lock (s.Gate)
            {
                var found = s.Recordings.Values.SelectMany(l => l).FirstOrDefault(r => r.Sid == recording);
                var list = found?.Transcription is { } text
                    ? new[] { new { sid = "TR" + recording[2..], account_sid = account, recording_sid = recording, status = "completed", transcription_text = text, type = "fast" } }
                    : [];
                return Page("transcriptions", list, $"/2010-04-01/Accounts/{account}/Recordings/{recording}/Transcriptions.json");
            }
        });
    }

    private static async Task<IResult> UpdateTask(string workspace, string sid, HttpContext http, SandboxState state, SandboxOptions options)
    {
        var form = await http.Request.ReadFormAsync();
        lock (state.Gate)
        {
            if (!state.Tasks.TryGetValue(sid, out var task) || task.WorkspaceSid != workspace)
            {
                return NotFound(http);
            }

            var ifMatch = http.Request.Headers.IfMatch.ToString().Trim();
            if (ifMatch.Length > 0 && ifMatch != "*" && ifMatch.Trim('"') != task.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return Results.Json(new { code = 20412, message = "Precondition Failed: the task was modified", more_info = "https://www.twilio.com/docs/errors/20412", status = 412 }, Json, statusCode: 412);
            }

            if (form.TryGetValue("Attributes", out var attributes))
            {
                try
                {
                    using var _ = JsonDocument.Parse(attributes.ToString());
                }
                catch (JsonException)
                {
                    return Results.Json(new { code = 20001, message = "Attributes must be valid JSON", status = 400 }, Json, statusCode: 400);
                }

                task.Attributes = attributes.ToString();
                task.Version++;
                task.DateUpdated = state.Now;
            }

            return TaskResult(http, task, options);
        }
    }

    public static string ETag(TwTask task, SandboxOptions options) =>
        options.QuoteTaskETag ? $"\"{task.Version}\"" : task.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IResult TaskResult(HttpContext http, TwTask task, SandboxOptions options)
    {
        http.Response.Headers.ETag = ETag(task, options);
        return Results.Json(new
        {
            sid = task.Sid,
            account_sid = options.TwilioAccountSid,
            workspace_sid = task.WorkspaceSid,
            attributes = task.Attributes,
            assignment_status = task.AssignmentStatus,
            date_updated = task.DateUpdated,
            url = $"https://taskrouter.twilio.com/v1/Workspaces/{task.WorkspaceSid}/Tasks/{task.Sid}",
        }, Json);
    }

    private static IResult NotFound(HttpContext http) => Results.Json(
        new { code = 20404, message = $"The requested resource {http.Request.Path} was not found", more_info = "https://www.twilio.com/docs/errors/20404", status = 404 },
        Json, statusCode: 404);
}
