using System.Text.Json.Nodes;

namespace FlexZendesk.Sandbox;

/// <summary>
/// What a Flex UI plugin's backend asks Twilio about an agent: is this Flex token valid, and whose is it (Twilio IAM's
/// <c>POST /v1/Accounts/{AC}/Tokens/validate</c>), and which workers hold a task (TaskRouter's
/// <c>GET /v1/Workspaces/{WS}/Tasks/{WT}/Reservations</c>). Tokens are minted through the control API for a worker,
/// with an expiry; any other string is a forged token. As Twilio's validator library reads it, a refused token is a 200
/// whose <c>valid</c> is false with an error code (20101 invalid, 20104 expired); the sandbox's choice where Twilio
/// documents no status.
/// </summary>
public static class FlexAgentApi
{
    /// <param name="TtlSeconds">Seconds until the token expires; 0 or less mints one already expired.</param>
    public sealed record MintToken(string WorkerSid, string RealmUserId, string? Identity = null, int TtlSeconds = 3600, List<string>? Roles = null);

    /// <param name="Status"><c>pending</c>, <c>accepted</c>, <c>wrapping</c>, <c>completed</c>, <c>rejected</c>, <c>timeout</c>, <c>canceled</c>, <c>rescinded</c>.</param>
    /// <param name="WorkerAttributes">The worker's attributes (a JSON object), served by <c>GET …/Workers/{WK}</c>; the worker is created or updated.</param>
    public sealed record SeedReservation(string WorkerSid, string Status = "accepted", string? WorkerName = null, System.Text.Json.JsonElement? WorkerAttributes = null);

    public static void MapFlexAgents(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/Accounts/{account}/Tokens/validate", async (string account, HttpContext http, SandboxState s, SandboxOptions o) =>
        {
            var token = (await ZendeskApi.ReadAsync(http))?["token"]?.GetValue<string>();
            lock (s.Gate)
            {
                if (token is null || !s.FlexTokens.TryGetValue(token, out var minted))
                {
                    return Results.Json(new { valid = false, code = 20101, message = "Invalid Access Token" }, statusCode: o.TokenRefusalStatus);
                }

                return minted.Expires <= s.Now
                    ? Results.Json(new { valid = false, code = 20104, message = "Access Token expired or expiration date invalid" }, statusCode: o.TokenRefusalStatus)
                    : Results.Json(new JsonObject
                    {
                        ["valid"] = true,
                        ["code"] = 0,
                        ["message"] = null,
                        ["expiration"] = minted.Expires.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                        ["realm_user_id"] = minted.RealmUserId,
                        ["identity"] = minted.Identity,
                        ["roles"] = new JsonArray([.. minted.Roles.Select(r => JsonValue.Create(r))]),
                        ["worker_sid"] = minted.WorkerSid,
                        ["account_sid"] = account,
                    });
            }
        });
        app.MapGet("/v1/Workspaces/{workspace}/Tasks/{task}/Reservations", (string workspace, string task, string? workerSid, string? reservationStatus, SandboxState s) =>
        {
            lock (s.Gate)
            {
                var list = (s.Reservations.GetValueOrDefault(task) ?? [])
                    .Where(r => (workerSid is null || r.WorkerSid == workerSid) && (reservationStatus is null || r.Status == reservationStatus))
                    .Select(r => new
                    {
                        sid = r.Sid,
                        account_sid = (string?)null,
                        workspace_sid = workspace,
                        task_sid = task,
                        worker_sid = r.WorkerSid,
                        worker_name = r.WorkerName,
                        reservation_status = r.Status,
                        date_created = r.DateCreated.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                        date_updated = r.DateCreated.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                        url = $"https://taskrouter.twilio.com/v1/Workspaces/{workspace}/Tasks/{task}/Reservations/{r.Sid}",
                    })
                    .ToList();
                var url = $"https://taskrouter.twilio.com/v1/Workspaces/{workspace}/Tasks/{task}/Reservations?PageSize=50&Page=0";
                return Results.Json(new
                {
                    reservations = list,
                    meta = new { page = 0, page_size = 50, first_page_url = url, previous_page_url = (string?)null, url, next_page_url = (string?)null, key = "reservations" },
                });
            }
        });
    }

    /// <summary>TaskRouter's worker (<c>GET /v1/Workspaces/{WS}/Workers/{WK}</c>): its name and attributes, as seeded with a reservation.</summary>
    public static void MapWorkers(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/Workspaces/{workspace}/Workers/{worker}", (string workspace, string worker, SandboxState s) =>
        {
            lock (s.Gate)
            {
                return s.Workers.TryGetValue(worker, out var known)
                    ? Results.Json(new { sid = worker, workspace_sid = workspace, friendly_name = known.Name, attributes = known.Attributes, url = $"https://taskrouter.twilio.com/v1/Workspaces/{workspace}/Workers/{worker}" })
                    : Results.Json(new { code = 20404, message = "The requested resource was not found", status = 404 }, statusCode: 404);
            }
        });

    /// <summary>The control API: mint a Flex token for a worker; give a task a worker's reservation.</summary>
    public static void MapFlexAgentControl(this RouteGroupBuilder control)
    {
        control.MapPost("/flex-tokens", (MintToken mint, SandboxState s) =>
        {
            lock (s.Gate)
            {
                var token = "sandbox-flex-token-" + SandboxState.NewSid("");
                s.FlexTokens[token] = new FlexTokenGrant(mint.WorkerSid, mint.RealmUserId, mint.Identity ?? mint.RealmUserId, mint.Roles ?? ["agent"], s.Now.AddSeconds(mint.TtlSeconds));
                return Results.Json(new { token });
            }
        });
        control.MapPost("/tasks/{sid}/reservations", (string sid, SeedReservation seed, SandboxState s) =>
        {
            lock (s.Gate)
            {
                var list = s.Reservations.TryGetValue(sid, out var existing) ? existing : s.Reservations[sid] = [];
                list.RemoveAll(r => r.WorkerSid == seed.WorkerSid);
                list.Add(new TwReservation(SandboxState.NewSid("WR"), seed.WorkerSid, seed.WorkerName ?? seed.WorkerSid, seed.Status, s.Now));
                if (seed.WorkerAttributes is { } attributes)
                {
                    s.Workers[seed.WorkerSid] = (seed.WorkerName ?? seed.WorkerSid, attributes.GetRawText());
                }
                return Results.NoContent();
            }
        });
    }
}
