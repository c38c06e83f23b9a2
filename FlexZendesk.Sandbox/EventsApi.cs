using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlexZendesk.Sandbox;

/// <summary>
/// TaskRouter's Events resource, written from its reference: <c>GET /v1/Workspaces/{ws}/Events</c> with
/// <c>StartDate</c>/<c>EndDate</c> (ISO 8601, inclusive), <c>Minutes</c> (default 15 when neither date is given),
/// <c>EventType</c>, <c>TaskSid</c>, <c>PageSize</c> (default 50, at most 1,000), newest first. The reference says the
/// resource does not support paging and not to use <c>Page</c>: a request with it is answered 400 here, so a client
/// that pages is caught. Events older than 30 days (43,200 minutes) have <c>task_attributes</c> redacted.
/// Events are recorded through <c>POST /_sandbox/events</c> with the fields of the Event Callback.
/// </summary>
public static class EventsApi
{
    public const int MaxPageSize = 1000;
    private static readonly TimeSpan Redaction = TimeSpan.FromDays(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Callback fields that are properties of the event itself; every other field is <c>event_data</c>.</summary>
    private static readonly HashSet<string> Envelope = new(StringComparer.Ordinal)
    {
        "EventType", "AccountSid", "WorkspaceSid", "WorkspaceName", "EventDescription", "ResourceType", "ResourceSid", "Timestamp", "TimestampMs", "Sid",
    };

    /// <summary>Callback fields whose <c>event_data</c> value is a number (the rest are strings).</summary>
    private static readonly HashSet<string> Numbers = new(StringComparer.Ordinal) { "TaskAge", "TaskPriority" };

    /// <param name="EventDate">When it happened; now when absent (a past date back-dates it, for tests of old events).</param>
    public sealed record RecordEvent(Dictionary<string, string> Fields, DateTimeOffset? EventDate = null);

    public static void MapTaskRouterEvents(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/Workspaces/{workspace}/Events", Read);
        app.MapPost("/_sandbox/events", (RecordEvent record, SandboxState s, SandboxOptions o) =>
        {
            var e = FromCallback(record.Fields, record.EventDate ?? s.Now, o.TwilioAccountSid);
            lock (s.Gate)
            {
                s.Events.Add(e);
            }

            return Results.Json(new { sid = e.Sid, event_date = e.Date }, Json, statusCode: 201);
        });
    }

    private static IResult Read(string workspace, HttpContext http, SandboxState s)
    {
        var query = http.Request.Query;
        if (query.ContainsKey("Page") || query.ContainsKey("PageToken"))
        {
            return Error(400, 20001, "Pagination is not supported under this resource: do not use Page");
        }

        if (!TryDate(query["StartDate"], out var start) || !TryDate(query["EndDate"], out var end))
        {
            return Error(400, 20001, "StartDate and EndDate must be ISO 8601 date-times");
        }

        var pageSize = int.TryParse(query["PageSize"], CultureInfo.InvariantCulture, out var size) ? size : 50;
        if (pageSize is < 1 or > MaxPageSize)
        {
            return Error(400, 20001, $"PageSize must be between 1 and {MaxPageSize}");
        }

        var now = s.Now;
        if (start is null && end is null)
        {
            var minutes = int.TryParse(query["Minutes"], CultureInfo.InvariantCulture, out var m) ? m : 15;
            start = now.AddMinutes(-minutes);
        }

        string? type = query["EventType"], task = query["TaskSid"];
        List<TwEvent> page;
        bool more;
        lock (s.Gate)
        {
            var matching = s.Events
                .Where(e => e.WorkspaceSid == workspace && (start is null || e.Date >= start) && (end is null || e.Date <= end))
                .Where(e => string.IsNullOrEmpty(type) || e.EventType == type)
                .Where(e => string.IsNullOrEmpty(task) || e.Data.TryGetValue("task_sid", out var t) && (string?)t == task)
                .OrderByDescending(e => e.Date)
                .Take(pageSize + 1)
                .ToList();
            more = matching.Count > pageSize;
            page = matching.Take(pageSize).ToList();
        }

        var url = $"https://taskrouter.twilio.com/v1/Workspaces/{workspace}/Events?PageSize={pageSize}";
        return Results.Json(new
        {
            events = page.Select(e => Resource(e, now)),
            meta = new
            {
                page = 0,
                page_size = pageSize,
                first_page_url = url + "&Page=0",
                previous_page_url = (string?)null,
                url = url + "&Page=0",
                // Twilio answers a token link; following it is what the reference warns against.
                next_page_url = more ? url + "&Page=1&PageToken=PT" + page[^1].Sid : null,
                key = "events",
            },
        }, Json);
    }

    private static object Resource(TwEvent e, DateTimeOffset now)
    {
        var data = new JsonObject();
        foreach (var (key, value) in e.Data)
        {
            data[key] = key == "task_attributes" && now - e.Date > Redaction ? "{}" : value?.DeepClone();
        }

        return new
        {
            account_sid = e.AccountSid,
            actor_sid = (string?)null,
            actor_type = (string?)null,
            actor_url = (string?)null,
            description = e.Description,
            event_data = data,
            event_date = e.Date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            event_date_ms = e.Date.ToUnixTimeMilliseconds(),
            event_type = e.EventType,
            resource_sid = e.ResourceSid,
            resource_type = e.ResourceType,
            resource_url = e.ResourceSid is null ? null : $"https://taskrouter.twilio.com/v1/Workspaces/{e.WorkspaceSid}/Tasks/{e.ResourceSid}",
            sid = e.Sid,
            source = "twilio",
            source_ip_address = "127.0.0.1",
            url = $"https://taskrouter.twilio.com/v1/Workspaces/{e.WorkspaceSid}/Events/{e.Sid}",
            workspace_sid = e.WorkspaceSid,
        };
    }

    /// <summary>The event a callback with these fields describes: <c>TaskQueueName</c> becomes <c>event_data.task_queue_name</c>.</summary>
    private static TwEvent FromCallback(Dictionary<string, string> fields, DateTimeOffset now, string accountSid)
    {
        var data = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in fields.Where(f => !Envelope.Contains(f.Key)))
        {
            data[SnakeCase(key)] = Numbers.Contains(key) && long.TryParse(value, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(value);
        }

        return new TwEvent(
            fields.GetValueOrDefault("Sid") ?? SandboxState.NewSid("EV"),
            fields.GetValueOrDefault("AccountSid") ?? accountSid,
            fields.GetValueOrDefault("WorkspaceSid") ?? "",
            fields.GetValueOrDefault("EventType") ?? "",
            fields.GetValueOrDefault("ResourceType"),
            fields.GetValueOrDefault("ResourceSid"),
            fields.GetValueOrDefault("EventDescription"),
            now,
            data);
    }

    private static string SnakeCase(string pascal) => JsonNamingPolicy.SnakeCaseLower.ConvertName(pascal);

    private static bool TryDate(string? text, out DateTimeOffset? date)
    {
        date = null;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            date = parsed;
            return true;
        }

        return false;
    }

    private static IResult Error(int status, int code, string message) =>
        Results.Json(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status }, Json, statusCode: status);
}
