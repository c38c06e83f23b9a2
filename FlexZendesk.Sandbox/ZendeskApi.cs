using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlexZendesk.Sandbox;

/// <summary>The Zendesk Support API subset: users, tickets, comments, tags, idempotent ticket creation.</summary>
public static class ZendeskApi
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void MapZendesk(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v2");
        api.MapGet("/users/search", SearchUsers);
        api.MapPost("/users", (HttpContext http, SandboxState s) => UpsertUser(http, s, createOnly: true));
        api.MapPost("/users/create_or_update", (HttpContext http, SandboxState s) => UpsertUser(http, s, createOnly: false));
        api.MapGet("/users/{id:long}", (long id, SandboxState s) => Locked(s, () =>
            s.Users.TryGetValue(id, out var user) ? Ok(new { user }) : NotFound()));
        api.MapPost("/tickets", CreateTicket);
        api.MapGet("/tickets", (string? external_id, SandboxState s) => Locked(s, () =>
            Ok(new { tickets = s.Tickets.Values.Where(t => external_id is null || t.ExternalId == external_id).ToList(), count = s.Tickets.Count })));
        api.MapGet("/tickets/{id:long}", (long id, SandboxState s) => Locked(s, () =>
            s.Tickets.TryGetValue(id, out var ticket) ? Ok(new { ticket }) : NotFound()));
        api.MapPut("/tickets/{id:long}", UpdateTicket);
        api.MapGet("/tickets/{id:long}/comments", Comments);
        app.MapZendeskAgents();
        app.MapZendeskCalls();
        api.MapPut("/tickets/{id:long}/tags", (long id, HttpContext http, SandboxState s) => ChangeTags(id, http, s, replace: false));
        api.MapPost("/tickets/{id:long}/tags", (long id, HttpContext http, SandboxState s) => ChangeTags(id, http, s, replace: true));
    }

    /// <summary>
    /// A ticket's comments, oldest first or with <c>sort_order=desc</c> newest first; with <c>page[size]</c> (at most 100)
    /// in cursor pages (<c>meta.has_more</c>, <c>meta.after_cursor</c>, <c>links.next</c>), else in offset pages of 100, as
    /// Zendesk pages them.
    /// </summary>
    private static IResult Comments(long id, HttpContext http, SandboxState state)
    {
        var query = http.Request.Query;
        var descending = query["sort_order"] == "desc";
        var size = int.TryParse(query["page[size]"], out var asked) ? Math.Clamp(asked, 1, 100) : (int?)null;
        var offset = query["page[after]"].ToString() is { Length: > 1 } cursor && int.TryParse(cursor[1..], out var at) ? at : 0;
        return Locked(state, () =>
        {
            if (!state.Tickets.TryGetValue(id, out var ticket))
            {
                return NotFound();
            }

            var ordered = descending ? ticket.Comments.AsEnumerable().Reverse().ToList() : ticket.Comments;
            if (size is not { } pageSize)
            {
                // Without cursor paging, Zendesk's offset paging: per_page (100 by default and at most), page from 1.
                var perPage = int.TryParse(query["per_page"], out var per) ? Math.Clamp(per, 1, 100) : 100;
                var number = int.TryParse(query["page"], out var n) && n > 0 ? n : 1;
                var url = $"https://example.zendesk.com/api/v2/tickets/{id}/comments.json?per_page={perPage}&page=";
                return Ok(new
                {
                    comments = ordered.Skip((number - 1) * perPage).Take(perPage).ToList(),
                    next_page = number * perPage < ordered.Count ? url + (number + 1) : null,
                    previous_page = number > 1 ? url + (number - 1) : null,
                    count = ordered.Count,
                });
            }

            var page = ordered.Skip(offset).Take(pageSize).ToList();
            var more = offset + page.Count < ordered.Count;
            var after = more ? "c" + (offset + page.Count) : null;
            return Ok(new
            {
                comments = page,
                meta = new { has_more = more, after_cursor = after, before_cursor = offset > 0 ? "c" + offset : null },
                links = new { next = after is null ? null : $"https://example.zendesk.com/api/v2/tickets/{id}/comments.json?page%5Bsize%5D={pageSize}&page%5Bafter%5D={after}", prev = (string?)null },
            });
        });
    }

    private static IResult SearchUsers(string? query, SandboxState state)
    {
        var term = (query ?? "").Trim();
        foreach (var prefix in new[] { "phone:", "email:", "external_id:" })
        {
            if (term.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                term = term[prefix.Length..];
            }
        }

        term = term.Trim('"');
        return Locked(state, () => Ok(new
        {
            users = state.Users.Values.Where(u => term.Length > 0 && (u.Phone == term || string.Equals(u.Email, term, StringComparison.OrdinalIgnoreCase) || u.ExternalId == term)).ToList(),
        }));
    }

    private static async Task<IResult> UpsertUser(HttpContext http, SandboxState state, bool createOnly)
    {
        var body = await ReadAsync(http);
        if (body?["user"] is not JsonObject input || (input["name"]?.GetValue<string>() ?? "").Length == 0)
        {
            return Invalid("name", "Name: cannot be blank");
        }

        lock (state.Gate)
        {
            var email = input["email"]?.GetValue<string>();
            var externalId = input["external_id"]?.GetValue<string>();
            // create_or_update matches on email or external_id only, as documented.
            var existing = createOnly ? null : state.Users.Values.FirstOrDefault(u =>
                (externalId is not null && u.ExternalId == externalId) || (email is not null && string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase)));
            if (createOnly && email is not null && state.Users.Values.Any(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase)))
            {
                return Invalid("email", $"Email: {email} is already being used by another user");
            }

            var user = existing ?? new ZdUser { Id = state.NextId(), CreatedAt = state.Now };
            user.Name = input["name"]!.GetValue<string>();
            user.Email = email ?? user.Email;
            user.Phone = input["phone"]?.GetValue<string>() ?? user.Phone;
            user.ExternalId = externalId ?? user.ExternalId;
            state.Users[user.Id] = user;
            return Results.Json(new { user }, Json, statusCode: existing is null ? 201 : 200);
        }
    }

    private static async Task<IResult> CreateTicket(HttpContext http, SandboxState state)
    {
        var text = await new StreamReader(http.Request.Body).ReadToEndAsync();
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        lock (state.Gate)
        {
            if (key.Length > 0 && state.IdempotencyKeys.TryGetValue(key, out var seen))
            {
                if (seen.BodyHash != SandboxState.Hash(text))
                {
                    return Results.Json(new { error = "IdempotentRequestError", description = "Request parameters do not match the original request for this idempotency key" }, Json, statusCode: 400);
                }

                http.Response.Headers["x-idempotency-lookup"] = "hit";
                return Results.Json(seen.Response, Json, statusCode: seen.Status);
            }

            var result = NewTicket(Parse(text)?["ticket"] as JsonObject, state, out var response);
            if (key.Length > 0)
            {
                http.Response.Headers["x-idempotency-lookup"] = "miss";
                if (response is not null)
                {
                    state.IdempotencyKeys[key] = (SandboxState.Hash(text), 201, response);
                }
            }

            return result;
        }
    }

    private static IResult NewTicket(JsonObject? input, SandboxState state, out object? response)
    {
        response = null;
        var comment = input?["comment"] as JsonObject;
        var body = comment?["body"]?.GetValue<string>() ?? "";
        if (input is null || body.Length == 0)
        {
            return Invalid("description", "Description: cannot be blank");
        }

        var requesterId = input["requester_id"]?.GetValue<long>() ?? 0;
        if (!state.Users.ContainsKey(requesterId))
        {
            return Invalid("requester", "Requester: is invalid");
        }

        if (ZendeskAgentApi.InvalidPeople(input, state, requesterId) is { } invalidPeople)
        {
            return invalidPeople;
        }

        var now = state.Now;
        var ticket = new ZdTicket
        {
            Id = state.NextId(),
            Subject = input["subject"]?.GetValue<string>() ?? body.Split('\n')[0],
            Description = body,
            Status = input["status"]?.GetValue<string>() ?? "new",
            RequesterId = requesterId,
            SubmitterId = input["submitter_id"]?.GetValue<long>(),
            AssigneeId = input["assignee_id"]?.GetValue<long>(),
            GroupId = input["group_id"]?.GetValue<long>(),
            ExternalId = input["external_id"]?.GetValue<string>(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        AddTags(ticket, input["tags"]);
        // The first comment is the submitter's (the requester by default) unless it names its author.
        var author = comment!["author_id"]?.GetValue<long>() ?? ticket.SubmitterId ?? requesterId;
        ticket.Comments.Add(new ZdComment { Id = state.NextId(), AuthorId = author, Body = body, Public = comment!["public"]?.GetValue<bool>() ?? true, CreatedAt = now });
        state.Tickets[ticket.Id] = ticket;
        response = new { ticket };
        return Results.Json(response, Json, statusCode: 201);
    }

    private static async Task<IResult> UpdateTicket(long id, HttpContext http, SandboxState state)
    {
        var input = (await ReadAsync(http))?["ticket"] as JsonObject;
        lock (state.Gate)
        {
            if (!state.Tickets.TryGetValue(id, out var ticket))
            {
                return NotFound();
            }

            if (ticket.Status == "closed")
            {
                return Invalid("status", "Status: closed prevents ticket update");
            }

            if (input?["safe_update"]?.GetValue<bool>() == true
                && input["updated_stamp"]?.GetValue<string>() is { } stamp
                && DateTimeOffset.Parse(stamp, System.Globalization.CultureInfo.InvariantCulture) != ticket.UpdatedAt)
            {
                return Results.Json(new { error = "UpdateConflict", description = "Safe Update prevented the update due to outdated ticket data. Please fetch the latest ticket data and try again." }, Json, statusCode: 409);
            }

            if (input is not null && ZendeskAgentApi.InvalidPeople(input, state, ticket.RequesterId) is { } invalidPeople)
            {
                return invalidPeople;
            }

            if (input is not null && ZendeskCallsApi.AddVoiceComment(input, ticket, state) is { } invalidVoice)
            {
                return invalidVoice;
            }

            if (input?["comment"] is JsonObject comment && comment["body"]?.GetValue<string>() is { Length: > 0 } body)
            {
                // Without author_id a comment is the API user's (here user 1).
                ticket.Comments.Add(new ZdComment { Id = state.NextId(), AuthorId = comment["author_id"]?.GetValue<long>() ?? 1, Body = body, Public = comment["public"]?.GetValue<bool>() ?? true, CreatedAt = state.Now });
            }

            ticket.AssigneeId = input?["assignee_id"]?.GetValue<long>() ?? ticket.AssigneeId;
            ticket.GroupId = input?["group_id"]?.GetValue<long>() ?? ticket.GroupId;

            if (input?["tags"] is JsonArray tags)
            {
                ticket.Tags.Clear();
                AddTags(ticket, tags);
            }

            // additional_tags is Update Many's alone (Zendesk: "Adding tags to tickets without overwriting existing tags"
            // names Update Many and Add Tags): on a single ticket's update it is ignored, as Zendesk ignores it.
            if (input?["status"]?.GetValue<string>() is { } status)
            {
                ticket.Status = status;
            }

            ticket.UpdatedAt = state.Now.AddTicks(1);
            return Ok(new { ticket });
        }
    }

    private static async Task<IResult> ChangeTags(long id, HttpContext http, SandboxState state, bool replace)
    {
        var input = await ReadAsync(http);
        lock (state.Gate)
        {
            if (!state.Tickets.TryGetValue(id, out var ticket))
            {
                return NotFound();
            }

            if (ticket.Status == "closed")
            {
                return Invalid("status", "Status: closed prevents ticket update");
            }

            if (replace)
            {
                ticket.Tags.Clear();
            }

            AddTags(ticket, input?["tags"]);
            ticket.UpdatedAt = state.Now.AddTicks(1);
            return Ok(new { tags = ticket.Tags });
        }
    }

    /// <summary>Zendesk tag rules: lower case, spaces become underscores, no duplicates.</summary>
    private static void AddTags(ZdTicket ticket, JsonNode? tags)
    {
        foreach (var tag in (tags as JsonArray ?? []).Select(t => t?.GetValue<string>()?.Trim().ToLowerInvariant().Replace(' ', '_')))
        {
            if (!string.IsNullOrEmpty(tag) && !ticket.Tags.Contains(tag))
            {
                ticket.Tags.Add(tag);
            }
        }
    }

    private static IResult Locked(SandboxState state, Func<IResult> action)
    {
        lock (state.Gate)
        {
            return action();
        }
    }

    internal static IResult Ok(object value) => Results.Json(value, Json);

    internal static IResult NotFound() => Results.Json(new { error = "RecordNotFound", description = "Not found" }, Json, statusCode: 404);

    internal static IResult Invalid(string field, string description) => Results.Json(
        new { error = "RecordInvalid", description = "Record validation errors", details = new Dictionary<string, object> { [field] = new[] { new { description } } } },
        Json, statusCode: 422);

    internal static async Task<JsonNode?> ReadAsync(HttpContext http) => Parse(await new StreamReader(http.Request.Body).ReadToEndAsync());

    private static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
