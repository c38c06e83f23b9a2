using System.Text.Json.Nodes;

namespace FlexZendesk.Sandbox;

/// <summary>
/// The agent's side of the Zendesk API: who may be on a ticket (assignee, submitter, group, a private comment's author)
/// and Talk Partner Edition's screen pop (display API). Each delivered pop is recorded per agent; an agent with no
/// Zendesk tab open, an unknown agent, ticket or user gets 404 (Zendesk documents 404 for an invalid id and nothing for
/// an offline agent: this is the sandbox's choice). Without Talk Partner Edition the endpoints answer 403, as Zendesk
/// answers an endpoint the account's plan lacks (not documented for these endpoints: the sandbox's choice).
/// </summary>
public static class ZendeskAgentApi
{
    public static void MapZendeskAgents(this IEndpointRouteBuilder app)
    {
        var voice = app.MapGroup("/api/v2/channels/voice/agents/{agentId:long}");
        voice.MapPost("/tickets/{ticketId:long}/display", (long agentId, long ticketId, SandboxState s) => Display(s, agentId, "ticket", ticketId, st => st.Tickets.ContainsKey(ticketId)));
        voice.MapPost("/users/{userId:long}/display", (long agentId, long userId, SandboxState s) => Display(s, agentId, "user", userId, st => st.Users.ContainsKey(userId)));
    }

    /// <summary>A 422 when the ticket (or update) names an assignee or private-comment author who is no agent, a submitter who is neither, or an unknown group.</summary>
    internal static IResult? InvalidPeople(JsonObject ticket, SandboxState state, long requesterId)
    {
        if (ticket["assignee_id"]?.GetValue<long>() is { } assignee && !state.IsAgent(assignee))
        {
            return ZendeskApi.Invalid("assignee", "Assignee: is not an agent");
        }

        if (ticket["submitter_id"]?.GetValue<long>() is { } submitter && submitter != requesterId && !state.IsAgent(submitter))
        {
            return ZendeskApi.Invalid("submitter", "Submitter: is invalid");
        }

        if (ticket["group_id"]?.GetValue<long>() is { } group && !state.Groups.ContainsKey(group))
        {
            return ZendeskApi.Invalid("group", "Group: is invalid");
        }

        var comment = ticket["comment"] as JsonObject;
        if (comment?["author_id"]?.GetValue<long>() is { } author
            && (comment["public"]?.GetValue<bool>() == false ? !state.IsAgent(author) : !state.Users.ContainsKey(author)))
        {
            return ZendeskApi.Invalid("author_id", "Author: is invalid (a private comment's author must be an agent)");
        }

        return null;
    }

    /// <summary>What an account without Talk Partner Edition gets from its endpoints (the sandbox's choice: Zendesk's answer for a plan's missing feature).</summary>
    internal static IResult Forbidden() =>
        Results.Json(new { error = "Forbidden", description = "You do not have access to this page. Please contact the account owner of this help desk for further help." }, ZendeskApi.Json, statusCode: 403);

    private static IResult Display(SandboxState state, long agentId, string kind, long id, Func<SandboxState, bool> exists)
    {
        lock (state.Gate)
        {
            if (!state.TalkPartnerEdition)
            {
                return Forbidden();
            }

            if (!exists(state) || !state.IsAgent(agentId) || !state.OnlineAgents.Contains(agentId))
            {
                return ZendeskApi.NotFound();
            }

            state.Pops.Add(new ZdPop(agentId, kind, id, state.Now));
            return Results.Json(new { }, ZendeskApi.Json);
        }
    }
}
