using System.Text.RegularExpressions;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core;
using FlexZendesk.Functions.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace FlexZendesk.Functions.Admin;

/// <summary>
/// <c>GET /api/ops/tasks/{TaskSid}</c>, admin level like the poison replay: what the app did for a task, read from its
/// ledger row only (no Zendesk or Twilio call): the ticket (created or reused), requester, agents, assignee, each
/// stage's note, the write-back, each screen pop, the voice comment or call record. 404 for a task the app never saw.
/// </summary>
public sealed partial class TaskStory(LedgerStore ledgers)
{
    [Function(nameof(TaskStory))]
    public async Task<Results<Ok<TaskReport>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "ops/tasks/{taskSid}")] HttpRequest http)
    {
        if (http.RouteValues["taskSid"] is not string taskSid || !TaskSidPattern().IsMatch(taskSid))
        {
            return Problems.Malformed("The route must end with a task SID (WT followed by 32 hex digits).");
        }

        TaskLedger ledger;
        try
        {
            ledger = (await ledgers.OpenAsync(taskSid, http.HttpContext.RequestAborted)).Ledger;
        }
        catch (RetryableException)
        {
            http.HttpContext.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable", detail: "The task ledger could not be read; retry later.");
        }

        return ledger.IsNew
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"The app has no record of task {taskSid}.")
            : TypedResults.Ok(TaskReport.Of(ledger));
    }

    [GeneratedRegex("^WT[0-9a-fA-F]{32}$")]
    private static partial Regex TaskSidPattern();
}

/// <summary>The answer of <see cref="TaskStory"/>: a task's ledger, read for people.</summary>
/// <param name="Ticket">The ticket id, or null while none is made.</param>
/// <param name="TicketSource"><c>created</c> by the app, or <c>existing</c> (the caller's zd_ticket_id).</param>
/// <param name="TicketPending">A creation is claimed and under way (its body recorded for an idempotent replay).</param>
/// <param name="Notes">Stage → <c>done</c>, <c>failed</c> (Zendesk refused it for good), <c>skipped: why</c> or <c>claimed …</c> (in progress); the call's voice comment is stage <c>voice_comment</c>.</param>
/// <param name="Pops">Stage and worker → <c>done: …</c>, <c>skipped: why</c>, <c>failed: why</c> or <c>claimed …</c>.</param>
/// <param name="CallRecord">The Talk Partner Edition call record: <c>done</c>, <c>failed: …</c>, <c>unknown: …</c> or <c>claimed …</c>.</param>
public sealed record TaskReport(
    string TaskSid,
    long? Ticket,
    string? TicketSource,
    bool TicketPending,
    long? RequesterId,
    IReadOnlyList<TaskAgent> Agents,
    string? CurrentWorkerSid,
    long? AssigneeId,
    bool AssigneeKept,
    IReadOnlyDictionary<string, string> Notes,
    string? PendingTags,
    bool WrittenBack,
    IReadOnlyDictionary<string, string> Pops,
    string? CallRecord,
    long? CallRecordId)
{
    public static TaskReport Of(TaskLedger ledger) => new(
        ledger.TaskSid,
        ledger.TicketId,
        ledger.TicketSource,
        ledger.PendingTicketBody is not null || ledger.TicketClaim is not null,
        ledger.RequesterId,
        ledger.AgentHistory,
        ledger.WorkerSid,
        ledger.AssigneeId,
        ledger.AssigneeKept,
        ledger.Notes.ToDictionary(n => n.Stage, n => Readable(n.Value)),
        ledger.PendingTags is { Length: > 0 } tags ? tags : null,
        ledger.WrittenBack,
        ledger.Pops.ToDictionary(p => p.Key, p => Readable(p.Value)),
        ledger.CallRecord is { } record ? Readable(record) : null,
        ledger.CallRecordId);

    /// <summary>A claim's stored form (<c>pending|owner|ticks</c>) as "claimed at …"; any other value as it is.</summary>
    private static string Readable(string value) =>
        Claim.Parse(value) is { } claim ? $"claimed at {claim.Since:O}" : value;
}
