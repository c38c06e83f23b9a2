using System.Globalization;
using System.Text.Json.Nodes;

namespace FlexZendesk.Sandbox;

/// <summary>
/// The call in Zendesk: the Tickets API voice comment (a ticket update's <c>voice_comment</c>) and Talk Partner
/// Edition's Calls API (<c>POST /api/v2/calls</c>, <c>GET</c>/<c>PATCH /api/v2/calls/{id}</c>). Validated as documented
/// where Zendesk documents it (mandatory fields; a voice comment needs its recording URL). The sandbox's own choices
/// where it does not: an update carrying both <c>comment</c> and <c>voice_comment</c> is refused (422; Zendesk documents
/// the voice comment as an alternative to the written one), an <c>app_id</c> the account has not registered is refused
/// (422), voice comments are private, and a TPE voice comment's <c>data</c> names its <c>call_id</c> and
/// <c>external_id</c>. Without Talk Partner Edition the Calls API answers 403, as the display API does.
/// </summary>
public static class ZendeskCallsApi
{
    private static readonly string[] VoiceFields = ["from", "to", "recording_url", "started_at", "call_duration"];
    private static readonly string[] CallFields = ["app_id", "from_line", "to_line", "call_started_at", "direction"];

    public static void MapZendeskCalls(this IEndpointRouteBuilder app)
    {
        var calls = app.MapGroup("/api/v2/calls");
        calls.MapPost("", CreateCall);
        calls.MapGet("/{id:long}", (long id, SandboxState s) => Tpe(s, () =>
            s.Calls.TryGetValue(id, out var call) ? ZendeskApi.Ok(new { call = call.DeepClone() }) : ZendeskApi.NotFound()));
        calls.MapMethods("/{id:long}", ["PATCH"], PatchCall);
    }

    /// <summary>
    /// A ticket update's <c>voice_comment</c>, checked and added to <paramref name="ticket"/>; a 422 when it lacks a
    /// mandatory field, names an answering agent who is none, or rides with a written comment. Null when the update
    /// carries no voice comment or it was added.
    /// </summary>
    internal static IResult? AddVoiceComment(JsonObject input, ZdTicket ticket, SandboxState state)
    {
        if (input["voice_comment"] is not JsonObject voice)
        {
            return null;
        }

        if (input["comment"] is not null)
        {
            return ZendeskApi.Invalid("voice_comment", "Voice comment: an update carries either a comment or a voice comment");
        }

        if (VoiceFields.FirstOrDefault(f => voice[f] is null || voice[f]!.ToString().Length == 0) is { } missing)
        {
            return ZendeskApi.Invalid("voice_comment", $"Voice comment: {missing} is required");
        }

        var agent = voice["answered_by_id"]?.GetValue<long>();
        if (agent is not null && !state.IsAgent(agent))
        {
            return ZendeskApi.Invalid("answered_by_id", "Answered by: is not an agent");
        }

        var name = agent is { } id ? state.Users[id].Name : "";
        var body = $"Call from: {voice["from"]}\nCall to: {voice["to"]}\nTime of call: {voice["started_at"]}\nAnswered by: {name}\nLength of phone call: {voice["call_duration"]} seconds"
            + (voice["transcription_text"]?.GetValue<string>() is { Length: > 0 } transcription ? $"\nTranscription: {transcription}" : "");
        ticket.Comments.Add(new ZdComment { Id = state.NextId(), Type = "VoiceComment", AuthorId = agent ?? 1, Body = body, Data = (JsonObject)voice.DeepClone(), Public = false, CreatedAt = state.Now });
        return null;
    }

    private static async Task<IResult> CreateCall(HttpContext http, SandboxState state)
    {
        var body = await ZendeskApi.ReadAsync(http);
        return Tpe(state, () =>
        {
            if (body?["call"] is not JsonObject input)
            {
                return ZendeskApi.Invalid("call", "Call: is required");
            }

            if (CallFields.FirstOrDefault(f => input[f] is null) is { } missing)
            {
                return ZendeskApi.Invalid(missing, $"{missing}: is required");
            }

            if (Invalid(input, state) is { } invalid)
            {
                return invalid;
            }

            var call = (JsonObject)input.DeepClone();
            var id = state.NextId();
            call["id"] = id;
            call["created_at"] = state.Now.ToString("O", CultureInfo.InvariantCulture);
            if (body["comment"] is JsonObject comment)
            {
                // With a comment section the call goes on its ticket, or on a new one made for it.
                var ticket = input["ticket_id"]?.GetValue<long>() is { } ticketId ? state.Tickets[ticketId] : NewTicket(call, state);
                call["ticket_id"] = ticket.Id;
                // The docs give the section title and call_fields (the call's fields the comment shows); no source documents
                // an author, so none is read: the comment is the API user's (here user 1), as the recorded traffic's are.
                var title = comment["title"]?.GetValue<string>() ?? "Call";
                var shown = new JsonObject();
                foreach (var field in (comment["call_fields"] as JsonArray ?? []).Select(f => f?.GetValue<string>()).OfType<string>().Distinct())
                {
                    shown[field] = input[field]?.DeepClone();
                }

                ticket.Comments.Add(new ZdComment
                {
                    Id = state.NextId(),
                    Type = "TpeVoiceComment",
                    AuthorId = 1,
                    Body = title,
                    Data = new JsonObject
                    {
                        ["call_id"] = id, ["external_id"] = input["external_id"]?.DeepClone(), ["recording_url"] = input["recording_url"]?.DeepClone(),
                        ["title"] = title, ["via_id"] = 45, ["call_fields"] = shown,
                    },
                    Public = false,
                    CreatedAt = state.Now,
                });
                ticket.UpdatedAt = state.Now.AddTicks(1);
            }

            state.Calls[id] = call;
            return Results.Json(new { call = call.DeepClone() }, ZendeskApi.Json, statusCode: 201);
        });
    }

    private static async Task<IResult> PatchCall(long id, HttpContext http, SandboxState state)
    {
        var body = await ZendeskApi.ReadAsync(http);
        return Tpe(state, () =>
        {
            if (!state.Calls.TryGetValue(id, out var call))
            {
                return ZendeskApi.NotFound();
            }

            if (body?["call"] is not JsonObject input)
            {
                return ZendeskApi.Invalid("call", "Call: is required");
            }

            if (Invalid(input, state) is { } invalid)
            {
                return invalid;
            }

            foreach (var (key, value) in input)
            {
                if (key is not ("id" or "app_id"))
                {
                    call[key] = value?.DeepClone();
                }
            }

            return ZendeskApi.Ok(new { call = call.DeepClone() });
        });
    }

    /// <summary>An unregistered app, an unknown ticket or end user, an agent who is none.</summary>
    private static IResult? Invalid(JsonObject input, SandboxState state) =>
        input["app_id"]?.GetValue<long>() is { } app && !state.TalkApps.Contains(app) ? ZendeskApi.Invalid("app_id", "App: is not installed in this account")
        : input["ticket_id"]?.GetValue<long>() is { } ticket && !state.Tickets.ContainsKey(ticket) ? ZendeskApi.Invalid("ticket_id", "Ticket: is invalid")
        : input["end_user_id"]?.GetValue<long>() is { } user && !state.Users.ContainsKey(user) ? ZendeskApi.Invalid("end_user_id", "End user: is invalid")
        : input["agent_id"]?.GetValue<long>() is { } agent && !state.IsAgent(agent) ? ZendeskApi.Invalid("agent_id", "Agent: is not an agent")
        : null;

    private static ZdTicket NewTicket(JsonObject call, SandboxState state)
    {
        var requester = call["end_user_id"]?.GetValue<long>() ?? state.Users.Keys.FirstOrDefault();
        var subject = $"Call from {call["from_line"]}";
        var ticket = new ZdTicket { Id = state.NextId(), Subject = subject, Description = subject, RequesterId = requester, AssigneeId = call["agent_id"]?.GetValue<long>(), CreatedAt = state.Now, UpdatedAt = state.Now };
        state.Tickets[ticket.Id] = ticket;
        return ticket;
    }

    private static IResult Tpe(SandboxState state, Func<IResult> action)
    {
        lock (state.Gate)
        {
            return state.TalkPartnerEdition ? action() : ZendeskAgentApi.Forbidden();
        }
    }
}
