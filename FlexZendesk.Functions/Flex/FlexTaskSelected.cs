using System.Text.Json;
using System.Text.RegularExpressions;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Tickets;
using FlexZendesk.Core.Twilio;
using FlexZendesk.Core;
using FlexZendesk.Functions.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Flex;

/// <summary>
/// <c>POST /api/flex/tasks/selected</c>: the Flex UI plugin reports that its agent selected (or accepted) a task, with
/// the agent's own Flex token. The token is validated with Twilio and must belong to a worker who took the task (the
/// ledger, else TaskRouter's reservations of it): an agent can neither note nor pop someone else's task. Then, at once,
/// the screen pop of the task's ticket on that agent's Zendesk screen (every select: a multitasking agent's screen
/// follows the task they switch to), and the "selected" note enqueued as <c>task.selected</c> for the same exactly-once
/// processing as TaskRouter events (once per task and agent). CORS for <c>Flex:AllowedOrigins</c>.
/// </summary>
public sealed partial class FlexTaskSelected(
    FlexCors cors,
    FlexTokens tokens,
    LedgerStore ledgers,
    TwilioRest twilio,
    ScreenPop screenPop,
    EventQueueWriter queue,
    IOptions<TwilioOptions> twilioOptions,
    IOptions<NoteOptions> notes,
    TimeProvider clock,
    ILogger<FlexTaskSelected> logger)
{
    [Function(nameof(FlexTaskSelected))]
    public async Task<Results<Accepted<SelectAccepted>, NoContent, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", "options", Route = "flex/tasks/selected")] HttpRequest request)
    {
        var allowed = cors.Apply(request.HttpContext);
        if (HttpMethods.IsOptions(request.Method))
        {
            // A preflight: the headers above say yes to an allowed origin; without them the browser says no.
            return TypedResults.NoContent();
        }

        if (!allowed)
        {
            return Problem(StatusCodes.Status403Forbidden, "Forbidden", "This origin is not in Flex:AllowedOrigins.");
        }

        var cancellationToken = request.HttpContext.RequestAborted;
        if (await JsonBody.ReadAsync(request, AppJsonContext.Default.TaskSelected) is not { } body)
        {
            return Problems.Malformed("The body is not a JSON object.");
        }

        var selected = body.Value;
        if (selected?.TaskSid is not { } taskSid || !TaskSidPattern().IsMatch(taskSid))
        {
            return Problems.Malformed("taskSid (WT…) is required.");
        }

        if ((selected.Token ?? Bearer(request)) is not { Length: > 0 } token)
        {
            return Unauthorized("The agent's Flex token is required (the body's Token, or Authorization: Bearer).");
        }

        try
        {
            if (await tokens.ValidateAsync(token, cancellationToken) is not { } agent)
            {
                return Unauthorized("The Flex token is not valid (forged, expired, or not of this account).");
            }

            var workspace = twilioOptions.Value.WorkspaceSid is { Length: > 0 } configured ? configured : selected.WorkspaceSid;
            var ledger = (await ledgers.OpenAsync(taskSid, cancellationToken)).Ledger;
            if (!await TookTaskAsync(ledger, workspace, taskSid, agent.WorkerSid, cancellationToken))
            {
                LogNotTheirs(logger, agent.WorkerSid, taskSid);
                return Problem(StatusCodes.Status403Forbidden, "Forbidden", "The token's worker has not taken this task.");
            }

            // The pop first, at once: the agent is looking at the screen.
            var pop = await screenPop.PopOnSelectAsync(ledger, agent.WorkerSid, cancellationToken);
            // The note is queued once per task and agent: not again once logged, and not at all when the stage is off
            // (a multitasking agent selects the same task many times; each would cost a task read and a delivery).
            var stage = TaskStages.SelectedBy(agent.WorkerSid);
            if (!notes.Value.StageSet.Contains(TaskStages.Selected) || ledger.IsNoteSettled(stage))
            {
                return TypedResults.Accepted((string?)null, new SelectAccepted(true, EnvelopeFactory.SelectedId(taskSid, agent.WorkerSid), EventSources.FlexSelectedEventType, pop));
            }

            var envelope = await EnvelopeAsync(ledger, workspace, taskSid, agent, selected, cancellationToken);
            await queue.EnqueueAsync(envelope, cancellationToken);
            return TypedResults.Accepted((string?)null, new SelectAccepted(true, envelope.Id, envelope.EventType, pop));
        }
        catch (RetryableException ex)
        {
            LogUnavailable(logger, taskSid, ex.Message);
            request.HttpContext.Response.Headers.RetryAfter = "5";
            return Problem(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", "Twilio or storage did not answer; retry shortly.");
        }
    }

    /// <summary>The worker is one of the task's agents in its ledger, or TaskRouter has its accepted (wrapping, completed) reservation.</summary>
    private async Task<bool> TookTaskAsync(TaskLedger ledger, string? workspace, string taskSid, string workerSid, CancellationToken cancellationToken) =>
        ledger.AgentHistory.Any(a => a.WorkerSid == workerSid)
        || (workspace is { Length: > 0 } && await twilio.WorkerTookTaskAsync(workspace, taskSid, workerSid, cancellationToken));

    /// <summary>The select as a queued event (<see cref="EnvelopeFactory.Selected"/>), the task's attributes read from TaskRouter.</summary>
    private async Task<FlexEventEnvelope> EnvelopeAsync(TaskLedger ledger, string? workspace, string taskSid, FlexAgent agent, TaskSelected selected, CancellationToken cancellationToken)
    {
        var task = workspace is { Length: > 0 } ? await twilio.ReadTaskAsync(workspace, taskSid, cancellationToken) : null;
        var name = ledger.AgentHistory.FirstOrDefault(a => a.WorkerSid == agent.WorkerSid)?.Name ?? agent.Identity ?? agent.WorkerSid;
        return EnvelopeFactory.Selected(taskSid, agent.WorkerSid, name, workspace, selected.Channel, selected.QueueName, task?.Attributes, clock.GetUtcNow());
    }

    private static string? Bearer(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;

    private static ProblemHttpResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    private static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);

    [GeneratedRegex("^WT[0-9a-fA-F]{32}$")]
    private static partial Regex TaskSidPattern();

    [LoggerMessage(LogLevel.Warning, "Flex select refused: worker {WorkerSid} has not taken task {TaskSid}")]
    private static partial void LogNotTheirs(ILogger logger, string workerSid, string taskSid);

    [LoggerMessage(LogLevel.Warning, "Flex select of task {TaskSid} answered 503: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string taskSid, string reason);
}

/// <summary>The answer to a select: the queued note event, and what the screen pop did (<c>done: …</c>, <c>skipped: why</c>, <c>failed: why</c>).</summary>
public sealed record SelectAccepted(bool Accepted, string Id, string EventType, string Pop);

/// <summary>
/// What the Flex UI plugin sends when an agent selects a task: the task and the agent's Flex token (<c>Token</c>, as
/// Flex backends receive it; or <c>Authorization: Bearer</c>). Whose select it is comes from the token, never the body;
/// the task's attributes come from TaskRouter, never the body (<see cref="Attributes"/> is accepted and ignored).
/// </summary>
public sealed record TaskSelected(string? TaskSid, string? Token, string? WorkspaceSid, JsonElement? Attributes, string? Channel, string? QueueName, string? WorkerName);
