using System.Text;

namespace FlexZendesk.Sandbox;

/// <summary>
/// In front of every sandbox route: credentials (401 as each API answers), fault injection, Zendesk
/// per-minute budgets (429 + Retry-After), and the request log that tests count calls with.
/// </summary>
public sealed class SandboxGate(RequestDelegate next, SandboxState state, SandboxOptions options)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        var api = path.StartsWith("/api/v2/", StringComparison.Ordinal) ? "zendesk"
            : path.StartsWith("/v1/", StringComparison.Ordinal) || path.StartsWith("/2010-04-01/", StringComparison.Ordinal) ? "twilio"
            : path.StartsWith("/_sandbox", StringComparison.Ordinal) ? "control"
            : "other";

        if (api == "control")
        {
            if (http.Request.Headers["X-Sandbox-Key"] != options.ControlKey)
            {
                await Write(http, 401, """{"error":"Unauthorized","description":"X-Sandbox-Key required"}""");
                return;
            }

            await next(http);
            return;
        }

        // Both APIs accept an optional .json suffix; route without it.
        if (path.EndsWith(".json", StringComparison.Ordinal))
        {
            http.Request.Path = path[..^5];
        }

        var record = options.RecordBodies;
        var answer = record ? new MemoryStream() : null;
        var original = http.Response.Body;
        if (record)
        {
            http.Request.EnableBuffering();
            http.Response.Body = answer!;
        }

        int status;
        try
        {
            status = await Gate(http, api);
            if (status == 0 && http.Items["late-fault"] is FaultRule late)
            {
                status = await RunThenFaultAsync(http, late);
            }
            else if (status == 0)
            {
                await next(http);
                status = http.Response.StatusCode;
            }
        }
        finally
        {
            if (record)
            {
                http.Response.Body = original;
            }
        }

        string? body = null;
        if (record)
        {
            try
            {
                http.Request.Body.Position = 0;
                body = await new StreamReader(http.Request.Body, Encoding.UTF8).ReadToEndAsync();
                answer!.Position = 0;
                if (!http.RequestAborted.IsCancellationRequested)
                {
                    await answer.CopyToAsync(original);
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                // A dropped connection (an injected fault or the client gone): the request is logged all the same.
            }
        }

        var logged = new SandboxRequest(api, http.Request.Method, http.Request.Path.Value ?? "", status, state.Now)
        {
            RawPath = path,
            Query = http.Request.QueryString.Value ?? "",
            ContentType = http.Request.ContentType,
            UserAgent = http.Request.Headers.UserAgent.ToString(),
            Credential = http.Items["credential"] as string,
            Body = body,
            Answer = answer is null ? null : Encoding.UTF8.GetString(answer.ToArray()),
        };
        lock (state.Gate)
        {
            state.Requests.Add(logged);
        }

        options.Observe?.Invoke(logged);
    }

    /// <summary>Answers instead of the route when credentials, a fault or a budget say so; 0 lets the request through.</summary>
    private async Task<int> Gate(HttpContext http, string api)
    {
        if (api == "zendesk" && !ZendeskAuthorized(http.Request.Headers.Authorization.ToString()))
        {
            return await Write(http, 401, """{"error":"Couldn't authenticate you"}""");
        }

        if (api == "twilio" && !TwilioAuthorized(http, http.Request.Headers.Authorization.ToString()))
        {
            return await Write(http, 401, """{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}""");
        }

        var fault = TakeFault(http, api);
        if (fault is { After: true, Mode: "delay" or "drop" })
        {
            http.Items["late-fault"] = fault;
            return 0;
        }

        if (fault is not null)
        {
            switch (fault.Mode)
            {
                case "drop":
                    http.Abort();
                    return 499;
                case "delay":
                    try
                    {
                        await Task.Delay(fault.DelayMs, http.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        return 499; // the client gave up before the request took effect
                    }

                    break;
                default:
                    if (fault.RetryAfterSeconds is { } after)
                    {
                        http.Response.Headers.RetryAfter = after.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    return await Write(http, fault.Status, api == "twilio"
                        ? $$"""{"code":{{fault.Status * 100}},"message":"Injected fault","status":{{fault.Status}}}"""
                        : $$"""{"error":"InjectedFault","description":"Injected fault {{fault.Status}}"}""");
            }
        }

        if (api == "zendesk")
        {
            var wait = state.Spend("requests", options.RequestsPerMinute);
            if (wait is null && IsTicketUpdate(http.Request.Method, http.Request.Path.Value!))
            {
                wait = state.Spend("ticket-updates", options.TicketUpdatesPerMinute);
            }

            if (wait is { } seconds)
            {
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return await Write(http, 429, """{"error":"TooManyRequests","description":"Rate limit exceeded"}""");
            }
        }

        return 0;
    }

    /// <summary>The request takes effect, then its answer is delayed or the connection dropped.</summary>
    private async Task<int> RunThenFaultAsync(HttpContext http, FaultRule fault)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        await next(http);
        http.Response.Body = original;
        if (fault.Mode == "drop")
        {
            http.Abort();
            return 499;
        }

        try
        {
            await Task.Delay(fault.DelayMs, http.RequestAborted);
            buffer.Position = 0;
            await buffer.CopyToAsync(original, http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up waiting: its change is made, its answer lost.
            return 499;
        }

        return http.Response.StatusCode;
    }

    /// <summary>Whether a Zendesk request also spends the Update Ticket limit (a PUT to a ticket or its tags).</summary>
    public static bool IsTicketUpdate(string method, string path)
    {
        if (!HttpMethods.IsPut(method))
        {
            return false;
        }

        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts is ["api", "v2", "tickets", _] || parts is ["api", "v2", "tickets", _, "tags"];
    }

    private FaultRule? TakeFault(HttpContext http, string api)
    {
        lock (state.Gate)
        {
            foreach (var rule in state.Faults)
            {
                if ((rule.Api == "any" || rule.Api == api)
                    && (rule.Method is null || string.Equals(rule.Method, http.Request.Method, StringComparison.OrdinalIgnoreCase))
                    && (rule.PathContains is null || (http.Request.Path.Value ?? "").Contains(rule.PathContains, StringComparison.Ordinal))
                    && rule.Count is not <= 0
                    && Random.Shared.NextDouble() < rule.Probability)
                {
                    rule.Count--;
                    return rule;
                }
            }

            return null;
        }
    }

    private bool ZendeskAuthorized(string header)
    {
        if (options.ZendeskOAuthToken is { Length: > 0 } oauth && header == "Bearer " + oauth)
        {
            return true;
        }

        return BasicMatches(header, options.ZendeskEmail + "/token", options.ZendeskApiToken);
    }

    /// <summary>The account's SID and auth token, or an API key's SID and secret, as Twilio accepts either; the log says which.</summary>
    private bool TwilioAuthorized(HttpContext http, string header)
    {
        var credential = BasicMatches(header, options.TwilioAccountSid, options.TwilioAuthToken) ? "auth-token"
            : options.TwilioApiKeySid is { Length: > 0 } key && options.TwilioApiKeySecret is { Length: > 0 } secret && BasicMatches(header, key, secret) ? "api-key"
            : null;
        http.Items["credential"] = credential;
        return credential is not null;
    }

    private static bool BasicMatches(string header, string user, string password) =>
        header == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    private static async Task<int> Write(HttpContext http, int status, string json)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(json);
        return status;
    }
}
