using System.Text.Json;

namespace FlexZendesk.Sandbox;

/// <summary><c>/_sandbox</c>: seed data, inject faults, set budgets, inspect state. Needs <c>X-Sandbox-Key</c>.</summary>
public static class ControlApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <param name="Role"><c>end-user</c> (default), <c>agent</c> or <c>admin</c>.</param>
    /// <param name="Online">For agents: a Zendesk tab is open, so screen pops reach them.</param>
    public sealed record SeedUser(string Name, string? Email, string? Phone, string? ExternalId, string? Role = null, bool Online = false);
    public sealed record SeedGroup(string Name);
    public sealed record AgentPresence(bool Online);
    /// <param name="TalkAppId">Registers one more Zendesk app id that call records may name.</param>
    public sealed record Account(bool? TalkPartnerEdition, long? TalkAppId = null);
    /// <param name="Comments">Earlier comments the ticket has besides its first (a long-lived ticket a caller reuses).</param>
    public sealed record SeedTicket(string Subject, long? RequesterId, string Status = "open", List<string>? Tags = null, long? AssigneeId = null, int Comments = 0);
    public sealed record SeedTask(string Sid, string WorkspaceSid, string Attributes, string AssignmentStatus = "assigned");

    public sealed record ConcurrentWrite(string Key, string Value);
    public sealed record SeedMessage(string Author, string Body);
    public sealed record SeedRecording(string? Sid, int Duration = 30, string? Transcription = null);
    public sealed record SeedCall(string From, string To, string Direction = "inbound", int? Duration = null, int StartedSecondsAgo = 60);
    public sealed record Limits(int? RequestsPerMinute, int? TicketUpdatesPerMinute);

    public static void MapControl(this IEndpointRouteBuilder app)
    {
        var control = app.MapGroup("/_sandbox");
        control.MapGet("/state", State);
        control.MapGet("/telemetry", (SandboxState s) =>
        {
            lock (s.Gate)
            {
                return Results.Json(s.Telemetry.ToList());
            }
        });
        control.MapPost("/reset", (SandboxState s) => { s.Reset(); return Results.NoContent(); });
        control.MapPost("/users", (SeedUser seed, SandboxState s) =>
        {
            lock (s.Gate)
            {
                var user = new ZdUser { Id = s.NextId(), Name = seed.Name, Email = seed.Email, Phone = seed.Phone, ExternalId = seed.ExternalId, Role = seed.Role ?? "end-user", CreatedAt = s.Now };
                s.Users[user.Id] = user;
                if (seed.Online)
                {
                    s.OnlineAgents.Add(user.Id);
                }

                return Results.Json(new { user }, Json, statusCode: 201);
            }
        });
        control.MapPost("/groups", (SeedGroup seed, SandboxState s) =>
        {
            lock (s.Gate)
            {
                var id = s.NextId();
                s.Groups[id] = seed.Name;
                return Results.Json(new { group = new { id, name = seed.Name } }, Json, statusCode: 201);
            }
        });
        control.MapPost("/agents/{id:long}/presence", (long id, AgentPresence presence, SandboxState s) =>
        {
            lock (s.Gate)
            {
                _ = presence.Online ? s.OnlineAgents.Add(id) : s.OnlineAgents.Remove(id);
                return Results.NoContent();
            }
        });
        control.MapPost("/account", (Account account, SandboxState s) =>
        {
            lock (s.Gate)
            {
                s.TalkPartnerEdition = account.TalkPartnerEdition ?? s.TalkPartnerEdition;
                if (account.TalkAppId is { } app)
                {
                    s.TalkApps.Add(app);
                }

                return Results.NoContent();
            }
        });
        control.MapPost("/tickets", (SeedTicket seed, SandboxState s) =>
        {
            lock (s.Gate)
            {
                var requester = seed.RequesterId ?? s.Users.Keys.FirstOrDefault();
                var ticket = new ZdTicket { Id = s.NextId(), Subject = seed.Subject, Description = seed.Subject, Status = seed.Status, RequesterId = requester, AssigneeId = seed.AssigneeId, CreatedAt = s.Now, UpdatedAt = s.Now };
                ticket.Tags.AddRange(seed.Tags ?? []);
                ticket.Comments.Add(new ZdComment { Id = s.NextId(), AuthorId = requester, Body = seed.Subject, Public = true, CreatedAt = s.Now });
                for (var i = 1; i <= seed.Comments; i++)
                {
                    ticket.Comments.Add(new ZdComment { Id = s.NextId(), AuthorId = requester, Body = $"Earlier comment {i}", Public = true, CreatedAt = s.Now });
                }

                s.Tickets[ticket.Id] = ticket;
                return Results.Json(new { ticket }, Json, statusCode: 201);
            }
        });
        control.MapPost("/tasks", (SeedTask seed, SandboxState s) =>
        {
            lock (s.Gate)
            {
                s.Tasks[seed.Sid] = new TwTask { Sid = seed.Sid, WorkspaceSid = seed.WorkspaceSid, Attributes = seed.Attributes, AssignmentStatus = seed.AssignmentStatus, Version = 1, DateUpdated = s.Now };
                return Results.NoContent();
            }
        });
        // Another client changes the task right after its next read is answered: a write between our read and write.
        control.MapPost("/tasks/{sid}/concurrent-write", (string sid, ConcurrentWrite write, SandboxState s) =>
        {
            lock (s.Gate)
            {
                if (!s.Tasks.TryGetValue(sid, out var task))
                {
                    return Results.NotFound();
                }

                task.ConcurrentWrite = new(write.Key, write.Value);
                return Results.NoContent();
            }
        });
        control.MapPost("/conversations/{sid}/messages", (string sid, SeedMessage seed, SandboxState s) =>
        {
            lock (s.Gate)
            {
                var list = s.Conversations.TryGetValue(sid, out var existing) ? existing : s.Conversations[sid] = [];
                list.Add(new TwMessage(SandboxState.NewSid("IM"), sid, seed.Author, seed.Body, list.Count, s.Now));
                return Results.NoContent();
            }
        });
        control.MapPost("/calls/{sid}/recordings", (string sid, SeedRecording seed, SandboxState s) =>
            SeedRecordingOf(s, sid, new TwRecording(seed.Sid ?? SandboxState.NewSid("RE"), sid, seed.Duration, s.Now, seed.Transcription)));
        control.MapPost("/conferences/{sid}/recordings", (string sid, SeedRecording seed, SandboxState s) =>
            SeedRecordingOf(s, sid, new TwRecording(seed.Sid ?? SandboxState.NewSid("RE"), null, seed.Duration, s.Now, seed.Transcription, ConferenceSid: sid)));
        control.MapPost("/calls/{sid}", (string sid, SeedCall seed, SandboxState s) =>
        {
            lock (s.Gate)
            {
                s.TwilioCalls[sid] = new TwCall(sid, seed.From, seed.To, seed.Direction, s.Now.AddSeconds(-seed.StartedSecondsAgo), seed.Duration);
                return Results.NoContent();
            }
        });
        control.MapFlexAgentControl();
        control.MapPost("/faults", (FaultRule rule, SandboxState s) =>
        {
            lock (s.Gate)
            {
                s.Faults.Add(rule);
            }

            return Results.NoContent();
        });
        control.MapDelete("/faults", (SandboxState s) =>
        {
            lock (s.Gate)
            {
                s.Faults.Clear();
            }

            return Results.NoContent();
        });
        control.MapPost("/limits", (Limits limits, SandboxOptions o) =>
        {
            o.RequestsPerMinute = limits.RequestsPerMinute ?? o.RequestsPerMinute;
            o.TicketUpdatesPerMinute = limits.TicketUpdatesPerMinute ?? o.TicketUpdatesPerMinute;
            return Results.NoContent();
        });
    }

    private static IResult State(SandboxState s)
    {
        lock (s.Gate)
        {
            return Results.Json(new
            {
                users = s.Users.Values.OrderBy(u => u.Id).ToList(),
                // Copied inside the lock: the answer is serialised after it, while other requests may add comments and tags.
                tickets = s.Tickets.Values.OrderBy(t => t.Id).Select(t => new
                {
                    t.Id, t.Subject, t.Status, t.RequesterId, t.SubmitterId, t.AssigneeId, t.GroupId, t.ExternalId, Tags = t.Tags.ToList(), t.CreatedAt, t.UpdatedAt,
                    comments = t.Comments.Select(c => new { c.Id, c.Type, c.AuthorId, c.Body, c.Public, Data = c.Data?.DeepClone(), c.CreatedAt }).ToList(),
                }).ToList(),
                tasks = s.Tasks.Values.Select(t => new { t.Sid, t.WorkspaceSid, t.Attributes, t.Version }).ToList(),
                workspaces = s.Workspaces.ToDictionary(),
                requests = s.Requests.ToList(),
                idempotency_keys = s.IdempotencyKeys.Count,
                pops = s.Pops.ToList(),
                groups = s.Groups.Select(g => new { id = g.Key, name = g.Value }).ToList(),
                talk_partner_edition = s.TalkPartnerEdition,
                calls = s.Calls.Values.Select(c => c.DeepClone()).ToList(),
            }, Json);
        }
    }

    /// <summary>A recording of a call or a conference (the key it is listed under).</summary>
    private static IResult SeedRecordingOf(SandboxState s, string owner, TwRecording recording)
    {
        lock (s.Gate)
        {
            (s.Recordings.TryGetValue(owner, out var existing) ? existing : s.Recordings[owner] = []).Add(recording);
            return Results.Json(new { sid = recording.Sid }, Json);
        }
    }
}
