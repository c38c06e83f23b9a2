using System.Text.Json;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core.Text;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// The Zendesk side of making a task's ticket: the request body (subject and description from the templates, the
/// requester, tags, <c>external_id</c> = TaskSid) and the create call under an Idempotency-Key derived from that
/// body, so the same body always names the same ticket. It keeps no state; <see cref="TicketResolver"/> records.
/// </summary>
public sealed partial class TicketCreator(
    IZendeskApi zendesk,
    RequesterResolver requesters,
    TicketPeople people,
    IOptions<TicketOptions> options,
    FlexZendeskMetrics metrics,
    ILogger<TicketCreator> logger)
{
    /// <summary>The exact body to create the task's ticket with, <paramref name="note"/> in its first comment.</summary>
    /// <param name="agent">The assignee and submitter (<see cref="TicketPeople.NewTicketAssignee"/>), also the comment's author when notes are the agent's.</param>
    /// <param name="author">The first comment's author, or null for the API user.</param>
    /// <param name="trustCache">False after Zendesk refused a cached requester: search again.</param>
    public async Task<string> BodyAsync(TaskContext task, string? note, long? agent, long? author, bool trustCache, CancellationToken cancellationToken)
    {
        var requester = await requesters.ResolveAsync(task, trustCache, cancellationToken);
        var description = Template.Render(options.Value.Description, task, singleLine: false);
        var body = new ZendeskNewTicketBody(new ZendeskNewTicket(
            Subject: Template.Render(options.Value.Subject, task, singleLine: true) is { Length: > 0 } subject ? subject : "Twilio Flex contact",
            Comment: new ZendeskNewComment(note is null ? description : description + "\n\n" + note, Public: false, author),
            RequesterId: requester,
            Tags: Tags(task),
            ExternalId: task.TaskSid,
            AssigneeId: agent,
            SubmitterId: agent,
            GroupId: people.Group(task)));
        return JsonSerializer.Serialize(body, ZendeskJsonContext.Default.ZendeskNewTicketBody);
    }

    /// <summary>
    /// Creates the ticket (a replay of the same body answers with the same ticket). When Zendesk refuses it for good,
    /// the ticket may still exist (Zendesk forgets idempotency keys after a while): it is looked up by external_id.
    /// </summary>
    /// <exception cref="PermanentException">Refused, and no ticket of the task exists.</exception>
    public async Task<ZendeskTicket> CreateAsync(string taskSid, string body, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize(body, ZendeskJsonContext.Default.ZendeskNewTicketBody)!;
        ZendeskTicket ticket;
        try
        {
            ticket = (await ApiCall.RequireAsync(() => zendesk.CreateTicketAsync(request, IdempotencyKey(taskSid, body), cancellationToken), "Zendesk create ticket", cancellationToken)).Ticket;
        }
        catch (PermanentException)
        {
            var found = await ApiCall.RequireAsync(() => zendesk.TicketsByExternalIdAsync(taskSid, cancellationToken), "Zendesk tickets by external_id", cancellationToken);
            if (found.Tickets.FirstOrDefault() is not { } existing)
            {
                throw;
            }

            ticket = existing;
        }

        LogCreated(logger, ticket.Id, taskSid);
        metrics.TicketCreated();
        return ticket;
    }

    /// <summary>The configured default tags and the task's <c>zdCustomTags</c>, in Zendesk's tag form.</summary>
    public List<string> Tags(TaskContext task)
    {
        var tags = TagParser.Parse(options.Value.DefaultTags);
        if (task.Attributes.ValueKind == JsonValueKind.Object && task.Attributes.TryGetProperty("zdCustomTags", out var custom))
        {
            tags = TagParser.Normalise(tags.Concat(TagParser.Parse(custom)));
        }

        return tags;
    }

    /// <summary>Same task and same body, same key: a replay. A rebuilt body (new requester) gets a new key.</summary>
    private static string IdempotencyKey(string taskSid, string body) => $"flexzendesk-ticket-{taskSid}-{Hashes.Sha256Hex(body, 16)}";

    [LoggerMessage(LogLevel.Information, "Created Zendesk ticket {TicketId} for task {TaskSid}")]
    private static partial void LogCreated(ILogger logger, long ticketId, string taskSid);
}
