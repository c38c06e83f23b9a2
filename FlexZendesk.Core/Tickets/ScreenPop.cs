using System.Globalization;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Refit;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Server-side screen pop (the Flex integration's NAVIGATE): asks Zendesk (Talk Partner Edition's display API) to open
/// the task's ticket, or its requester, on the accepting agent's Zendesk screen. At most once per task, stage and
/// worker, whatever the duplicates, concurrency or crashes: the ledger holds a claim before the call and the outcome
/// after it, and a claim left by a crash is never taken over (by then the moment has passed). Only worth it while the
/// agent is on the contact, so an event older than <c>Flex:ScreenPopMaxAgeSeconds</c> by its own clock pops nothing.
/// A pop never fails the event: 404 (agent not online, unknown id) and every other answer are recorded and logged, never
/// retried; an account that refuses pops altogether (401/402/403, e.g. no Talk Partner Edition) pauses them.
/// </summary>
public sealed partial class ScreenPop(IZendeskApi zendesk, ScreenPopPause pause, IOptions<FlexOptions> options, TimeProvider clock, ILogger<ScreenPop> logger)
{
    /// <summary>Whether the event asks for a pop not yet recorded: a worker, a ticket, a choice other than none.</summary>
    public bool Owed(TaskLedger ledger, TaskContext task, string stage) =>
        task.WorkerSid is { } worker && ledger.TicketId is not null && ledger.Pop(stage, worker) is null
        && options.Value.ScreenPopFor(ledger.TicketSource) != ScreenPops.None;

    public async Task RunAsync(LedgerSession session, TaskContext task, string stage, CancellationToken cancellationToken)
    {
        if (!Owed(session.Ledger, task, stage))
        {
            return;
        }

        var worker = task.WorkerSid!;
        if (Skip(session.Ledger, task) is { } why)
        {
            LogSkipped(logger, task.TaskSid, worker, why);
            await session.RecordAsync(l => l.RecordPop(stage, worker, l.Pop(stage, worker) ?? "skipped: " + why), cancellationToken);
            return;
        }

        // Claim, then call: a duplicate that loses the race finds the claim and pops nothing.
        var claim = session.NewClaim().ToString();
        for (var attempt = 0; !await session.TryRecordAsync(l => l.RecordPop(stage, worker, claim), cancellationToken); attempt++)
        {
            if (!Owed(session.Ledger, task, stage) || attempt == 10)
            {
                return;
            }
        }

        var outcome = await DisplayAsync(session.Ledger.AgentId!.Value, session.Ledger, task.TaskSid, cancellationToken);
        await session.RecordAsync(l => l.RecordPop(stage, worker, outcome), cancellationToken);
    }

    private string? Skip(TaskLedger ledger, TaskContext task)
    {
        var age = clock.GetUtcNow() - task.OccurredAt;
        var maxAge = options.Value.ScreenPopMaxAgeSeconds;
        return ledger.WorkerSid != task.WorkerSid ? "another worker's later acceptance is the task's current one"
            : ledger.AgentId is null ? "the worker is not mapped to a Zendesk agent"
            : age.TotalSeconds > maxAge ? string.Create(CultureInfo.InvariantCulture, $"the event is {age.TotalSeconds:0} s old (Flex:ScreenPopMaxAgeSeconds {maxAge})")
            : Unshowable(ledger);
    }

    /// <summary>Why no pop of this ticket can be shown now, whatever asked for it; null when one can.</summary>
    private string? Unshowable(TaskLedger ledger) =>
        options.Value.ScreenPopFor(ledger.TicketSource) == ScreenPops.User && ledger.RequesterId is null ? "the ticket has no requester to show"
        : pause.Until(clock.GetUtcNow()) is { } until ? string.Create(CultureInfo.InvariantCulture, $"paused until {until:HH:mm:ss}Z: the account refused screen pops")
        : null;

    /// <summary>
    /// The pop of an agent's select in the Flex UI (the plugin's call): on every select, at once, with no ledger claim
    /// (an agent switching between tasks wants each one's ticket), when the task has its ticket and the worker is one of
    /// the task's agents; the acceptance pops the rest. The same refusals and pause as the acceptance's pop.
    /// </summary>
    public async Task<string> PopOnSelectAsync(TaskLedger ledger, string workerSid, CancellationToken cancellationToken)
    {
        var agent = ledger.AgentHistory.FirstOrDefault(a => a.WorkerSid == workerSid)?.AgentId;
        var why = ledger.TicketId is null ? "the task has no ticket yet (its acceptance pops it)"
            : agent is null ? "the worker is not mapped to a Zendesk agent (yet)"
            : options.Value.ScreenPopFor(ledger.TicketSource) == ScreenPops.None ? "Flex:ScreenPop is none"
            : Unshowable(ledger);
        if (why is not null)
        {
            LogSkipped(logger, ledger.TaskSid, workerSid, why);
            return "skipped: " + why;
        }

        return await DisplayAsync(agent!.Value, ledger, ledger.TaskSid, cancellationToken);
    }

    private async Task<string> DisplayAsync(long agent, TaskLedger ledger, string taskSid, CancellationToken cancellationToken)
    {
        var (ticket, user) = (ledger.TicketId!.Value, ledger.RequesterId);
        var ticketPop = options.Value.ScreenPopFor(ledger.TicketSource) == ScreenPops.Ticket;
        var what = ticketPop ? $"ticket {ticket}" : $"user {user}";
        IApiResponse response;
        try
        {
            response = await ApiCall.SendAsync(() => ticketPop ? zendesk.DisplayTicketAsync(agent, ticket, cancellationToken) : zendesk.DisplayUserAsync(agent, user!.Value, cancellationToken), "Zendesk screen pop", cancellationToken);
        }
        catch (RetryableException ex)
        {
            LogFailed(logger, taskSid, agent, ex.Message);
            return "failed: " + ex.Message;
        }

        if (response.IsSuccessStatusCode)
        {
            LogPopped(logger, what, agent, taskSid);
            return $"done: {what} on agent {agent}'s screen";
        }

        if (response.StatusCode is null && ApiCall.Failure(response, "Zendesk screen pop") is RetryableException { NotSent: true })
        {
            return "skipped: the Zendesk budget had no turn for it in time";
        }

        var status = (int?)response.StatusCode ?? 0;
        switch (status)
        {
            case 404:
                LogNotDelivered(logger, what, agent, taskSid);
                return $"failed: HTTP 404 for {what} on agent {agent} (not online in Zendesk, or an unknown id)";
            case 401 or 402 or 403:
                if (pause.Start(clock.GetUtcNow()))
                {
                    LogPaused(logger, status, ScreenPopPause.Length.TotalMinutes);
                }

                return $"failed: HTTP {status}: the account refuses screen pops (Talk Partner Edition?); paused";
            default:
                LogFailed(logger, taskSid, agent, $"HTTP {status}");
                return $"failed: HTTP {status}";
        }
    }

    [LoggerMessage(LogLevel.Information, "Screen pop: {What} opened on Zendesk agent {AgentId}'s screen for task {TaskSid}")]
    private static partial void LogPopped(ILogger logger, string what, long agentId, string taskSid);

    [LoggerMessage(LogLevel.Information, "Screen pop for task {TaskSid} (worker {WorkerSid}) skipped: {Why}")]
    private static partial void LogSkipped(ILogger logger, string taskSid, string workerSid, string why);

    [LoggerMessage(LogLevel.Information, "Screen pop of {What} for task {TaskSid} not delivered: Zendesk answered 404 for agent {AgentId} (not online in Zendesk, or an unknown id); not retried")]
    private static partial void LogNotDelivered(ILogger logger, string what, long agentId, string taskSid);

    [LoggerMessage(LogLevel.Warning, "Screen pop for task {TaskSid} failed for agent {AgentId}: {Reason}; not retried")]
    private static partial void LogFailed(ILogger logger, string taskSid, long agentId, string reason);

    [LoggerMessage(LogLevel.Warning, "Zendesk refused a screen pop with HTTP {Status}: the account cannot pop (Talk Partner Edition is needed for the display API). Screen pops pause for {Minutes} minutes; notes and tickets go on. Set Flex:ScreenPop=none to stop trying")]
    private static partial void LogPaused(ILogger logger, int status, double minutes);
}

/// <summary>
/// After the account refused a pop (401/402/403), pops pause for <see cref="Length"/> on this instance instead of
/// failing event after event: one Warning and one refused call per instance per pause.
/// </summary>
public sealed class ScreenPopPause
{
    public static readonly TimeSpan Length = TimeSpan.FromMinutes(15);

    private long _untilTicks;

    /// <summary>The end of the pause in force at <paramref name="now"/>, or null.</summary>
    public DateTimeOffset? Until(DateTimeOffset now)
    {
        var until = Interlocked.Read(ref _untilTicks);
        return now.UtcTicks < until ? new DateTimeOffset(until, TimeSpan.Zero) : null;
    }

    /// <summary>Starts (or extends) the pause; true when none was in force, i.e. this refusal deserves the Warning.</summary>
    public bool Start(DateTimeOffset now) => Interlocked.Exchange(ref _untilTicks, (now + Length).UtcTicks) <= now.UtcTicks;
}
