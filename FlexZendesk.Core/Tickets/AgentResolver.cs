using System.Globalization;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Text;
using FlexZendesk.Core.Twilio;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Maps the Flex worker of a <c>reservation.*</c> event to a Zendesk agent: the worker attribute
/// <c>zendesk_user_id</c> when set (read from each event, never cached), else the worker's SSO <c>email</c> through the
/// shared <see cref="AgentCache"/>, then a Zendesk user search that accepts only a user whose role is agent or admin (an
/// end-user with the same address is never an agent). Unknown: the work goes on unassigned, and a Warning names the
/// worker SID (the e-mail only at Debug).
/// </summary>
public sealed partial class AgentResolver(IZendeskApi zendesk, AgentCache cache, TwilioRest twilio, IOptions<TwilioOptions> twilioOptions, ILogger<AgentResolver> logger)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<long?>>> _lookups = new(StringComparer.Ordinal);

    public async Task<TaskAgent?> ResolveAsync(TaskContext task, CancellationToken cancellationToken)
    {
        if (task.WorkerSid is not { } workerSid)
        {
            return null;
        }

        if (long.TryParse(task.WorkerAttribute("zendesk_user_id")?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var configured) && configured > 0)
        {
            return new TaskAgent(workerSid, configured, task.Worker);
        }

        if (Contact.Email(task.WorkerAttribute("email")) is not { } email)
        {
            LogUnknown(logger, workerSid, "it has neither a zendesk_user_id nor an email attribute");
            return new TaskAgent(workerSid, null, task.Worker);
        }

        var emailKey = Hashes.Sha256Hex(email, 32);
        if (await cache.FindAsync(workerSid, emailKey, cancellationToken) is (true, var cached))
        {
            return new TaskAgent(workerSid, cached, task.Worker);
        }

        // One lookup per worker at a time on this instance: a worker's first tasks arriving together share it.
        var lookup = _lookups.GetOrAdd(workerSid + "\n" + emailKey, _ => new Lazy<Task<long?>>(() => LookUpAsync(workerSid, email, emailKey)));
        long? agent;
        try
        {
            agent = await lookup.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            _lookups.TryRemove(new(workerSid + "\n" + emailKey, lookup));
        }

        return new TaskAgent(workerSid, agent, task.Worker);
    }

    /// <summary>
    /// The agents of a task whose <c>task.*</c> event comes before any acceptance is known (a replay, a reconciled backlog,
    /// events of one queue batch processed out of order): the workers TaskRouter says took it (their reservations
    /// accepted, wrapping or completed, in the order they were made), each with its attributes from TaskRouter and its
    /// Zendesk agent by the same rule as a reservation event's, and when its reservation was made (Unix ms). Twilio reads
    /// only; the agent lookup is the one the reservation event would have made, not another.
    /// </summary>
    public async Task<IReadOnlyList<(TaskAgent Agent, long Since)>> LearnAsync(TaskContext task, CancellationToken cancellationToken)
    {
        if ((task.WorkspaceSid ?? twilioOptions.Value.WorkspaceSid) is not { Length: > 0 } workspace)
        {
            return [];
        }

        var learned = new List<(TaskAgent, long)>();
        foreach (var worker in await twilio.TaskWorkersAsync(workspace, task.TaskSid, cancellationToken))
        {
            var attributes = await twilio.WorkerAttributesAsync(workspace, worker.WorkerSid, cancellationToken);
            if (await ResolveAsync(task.ForWorker(worker.WorkerSid, worker.Name, attributes), cancellationToken) is { } agent)
            {
                var since = worker.ReservedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : task.OccurredAt;
                learned.Add((agent, since.ToUnixTimeMilliseconds()));
            }
        }

        if (learned.Count > 0)
        {
            LogLearned(logger, task.TaskSid, task.Envelope.EventType, learned.Count);
        }

        return learned;
    }

    /// <summary>The Zendesk search for the worker's e-mail, accepted only for an agent or admin, remembered either way.</summary>
    private async Task<long?> LookUpAsync(string workerSid, string email, string emailKey)
    {
        // Shared by every waiting event: no one event's cancellation cuts it short (the HttpClient's timeout bounds it).
        var found = await ApiCall.RequireAsync(() => zendesk.SearchUsersAsync($"email:{email}", CancellationToken.None), "Zendesk agent search", CancellationToken.None);
        var agent = found.Users.FirstOrDefault(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase) && u.Role is "agent" or "admin");
        await cache.RememberAsync(workerSid, emailKey, agent?.Id, CancellationToken.None);
        if (agent is null)
        {
            LogUnknown(logger, workerSid, "no Zendesk agent or admin has its e-mail");
            LogUnknownEmail(logger, workerSid, email);
        }

        return agent?.Id;
    }

    /// <summary>
    /// Zendesk refused the agent (or group) on the task's new ticket, which is then created without them: a Warning, and
    /// the worker's cached agent is dropped so its next lookup asks Zendesk again.
    /// </summary>
    public async Task RefusedAsync(string taskSid, string? workerSid, string reason, CancellationToken cancellationToken)
    {
        LogRefused(logger, taskSid, workerSid ?? "(none)", reason);
        if (workerSid is not null)
        {
            await cache.ForgetAsync(workerSid, cancellationToken);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Zendesk refused the agent or group of task {TaskSid} (worker {WorkerSid}) on its new ticket; creating it without them: {Reason}")]
    private static partial void LogRefused(ILogger logger, string taskSid, string workerSid, string reason);

    [LoggerMessage(LogLevel.Warning, "Flex worker {WorkerSid} is not mapped to a Zendesk agent ({Why}); its tasks go on unassigned")]
    private static partial void LogUnknown(ILogger logger, string workerSid, string why);

    [LoggerMessage(LogLevel.Debug, "Flex worker {WorkerSid}: no Zendesk agent or admin has the e-mail {Email}")]
    private static partial void LogUnknownEmail(ILogger logger, string workerSid, string email);

    [LoggerMessage(LogLevel.Information, "Task {TaskSid}: {EventType} came before any acceptance; {Count} agent(s) learned from TaskRouter's reservations")]
    private static partial void LogLearned(ILogger logger, string taskSid, string eventType, int count);
}
