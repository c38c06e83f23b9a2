using System.Text.Json;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Telemetry;
using FlexZendesk.Core.Zendesk;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Gives a task exactly one ticket: the caller's <c>zd_ticket_id</c> when it names an open ticket, otherwise one
/// created by us. Creation is claimed in the ledger first and its exact body stored, so a retry or a takeover
/// replays the same request under the same Idempotency-Key and Zendesk answers with the same ticket.
/// </summary>
public sealed partial class TicketResolver(
    IZendeskApi zendesk,
    RequesterResolver requesters,
    LedgerStore store,
    IOptions<TicketOptions> options,
    IOptions<LedgerOptions> ledgerOptions,
    TimeProvider clock,
    FlexZendeskMetrics metrics,
    ILogger<TicketResolver> logger)
{
    /// <summary>
    /// The task's ticket, resolved once per task whatever the concurrency: the worker that claims the task in the
    /// ledger does every Zendesk read and write of the resolution (checking a <c>zd_ticket_id</c>, finding or creating
    /// the requester, creating the ticket); concurrent events of the task wait for its result instead of repeating them.
    /// </summary>
    /// <param name="firstNote">The note of the current stage, carried in a new ticket's first comment (then logged at once).</param>
    public async Task<TaskLedger> EnsureAsync(TaskLedger ledger, TaskContext task, string? stage, Func<Task<string>>? firstNote, string owner, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(ledgerOptions.Value.ClaimTimeoutSeconds);
        var trustCache = true;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            if (ledger.TicketId is not null)
            {
                return ledger;
            }

            if (ledger.TicketClaim is not { } claim)
            {
                if (task.RequestedTicketId is null && !options.Value.CreateTickets)
                {
                    LogNotCreating(logger, task.TaskSid);
                    return ledger;
                }

                // Claim first, then call Zendesk: a concurrent event of this task waits for the result instead.
                ledger.TicketClaim = new Claim(owner, clock.GetUtcNow());
                ledger = await SaveOrReloadAsync(ledger, task.TaskSid, cancellationToken);
                continue;
            }

            if (claim.Owner != owner && !claim.IsStale(clock.GetUtcNow(), timeout))
            {
                ledger = await LedgerWait.UntilAsync(store, task.TaskSid, l => l.TicketId is not null || l.TicketClaim is null || l.TicketClaim.IsStale(clock.GetUtcNow(), timeout), clock, "Ticket resolution", cancellationToken);
                continue;
            }

            if (ledger.PendingTicketBody is not null)
            {
                try
                {
                    return await CreateAsync(ledger, task, cancellationToken);
                }
                catch (PermanentException ex) when (trustCache && ex.InvalidFields.Contains("requester"))
                {
                    // A cached requester Zendesk no longer knows (deleted or merged): resolve again, uncached.
                    trustCache = false;
                    ledger = await store.LoadAsync(task.TaskSid, cancellationToken);
                    continue;
                }
            }

            if (claim.Owner != owner)
            {
                // Its worker died before writing anything: take the claim over.
                ledger.TicketClaim = new Claim(owner, clock.GetUtcNow());
                ledger = await SaveOrReloadAsync(ledger, task.TaskSid, cancellationToken);
                continue;
            }

            ledger = await ResolveUnderClaimAsync(ledger, task, stage, firstNote, trustCache, cancellationToken);
            if (ledger.TicketClaim is null && ledger.TicketId is null)
            {
                return ledger;
            }
        }

        throw new RetryableException("The task ledger kept changing while resolving its ticket");
    }

    /// <summary>
    /// Holding the claim: the caller's ticket if usable (done), or nothing when creation is off (claim released), or
    /// the new ticket's exact body stored for <see cref="CreateAsync"/>. A failure releases the claim at once, so the
    /// next delivery resolves afresh instead of waiting out the claim timeout.
    /// </summary>
    private async Task<TaskLedger> ResolveUnderClaimAsync(TaskLedger ledger, TaskContext task, string? stage, Func<Task<string>>? firstNote, bool trustCache, CancellationToken cancellationToken)
    {
        try
        {
            if (task.RequestedTicketId is { } requested && await ExistingAsync(requested, cancellationToken) is { } existing)
            {
                ledger.TicketId = existing.Id;
                ledger.TicketSource = "existing";
                ledger.RequesterId = existing.RequesterId;
                ledger.PendingTags = string.Join(',', Tags(task).Except(existing.Tags ?? []));
                ledger.TicketClaim = null;
                return await SaveOrReloadAsync(ledger, task.TaskSid, cancellationToken);
            }

            if (!options.Value.CreateTickets)
            {
                LogNotCreating(logger, task.TaskSid);
                return await store.UpdateAsync(ledger, l => l.TicketClaim = null, cancellationToken);
            }

            var requester = await requesters.ResolveAsync(task, trustCache, cancellationToken);
            var description = Template.Render(options.Value.Description, task, singleLine: false);
            var note = firstNote is null ? null : await firstNote();
            var body = new ZendeskNewTicketBody(new ZendeskNewTicket(
                Subject: Template.Render(options.Value.Subject, task, singleLine: true) is { Length: > 0 } subject ? subject : "Twilio Flex contact",
                Comment: new ZendeskNewComment(note is null ? description : description + "\n\n" + note, Public: false),
                RequesterId: requester,
                Tags: Tags(task),
                ExternalId: task.TaskSid));
            ledger.PendingTicketBody = JsonSerializer.Serialize(body, ZendeskJsonContext.Default.ZendeskNewTicketBody);
            ledger.PendingTicketStage = note is null ? null : stage;
            return await SaveOrReloadAsync(ledger, task.TaskSid, cancellationToken);
        }
        catch (Exception ex) when (ex is RetryableException or PermanentException && ledger.TicketClaim is not null)
        {
            ledger.TicketClaim = ledger.TicketClaim with { Since = DateTimeOffset.UnixEpoch };
            await store.TrySaveAsync(ledger, cancellationToken);
            throw;
        }
    }

    private async Task<TaskLedger> SaveOrReloadAsync(TaskLedger ledger, string taskSid, CancellationToken cancellationToken) =>
        await store.TrySaveAsync(ledger, cancellationToken) ? ledger : await store.LoadAsync(taskSid, cancellationToken);

    /// <summary>Adds (PUT, never replaces) the tags still owed to a reused ticket, then clears them in the ledger.</summary>
    public async Task<TaskLedger> AddPendingTagsAsync(TaskLedger ledger, CancellationToken cancellationToken)
    {
        var tags = new ZendeskTags([.. ledger.PendingTags!.Split(',')]);
        await ApiCall.RequireAsync(() => zendesk.AddTagsAsync(ledger.TicketId!.Value, tags, cancellationToken), "Zendesk add tags", cancellationToken);
        return await store.UpdateAsync(ledger, l => l.PendingTags = null, cancellationToken);
    }

    public List<string> Tags(TaskContext task)
    {
        var tags = TagParser.Parse(options.Value.DefaultTags);
        if (task.Attributes.ValueKind == JsonValueKind.Object && task.Attributes.TryGetProperty("zdCustomTags", out var custom))
        {
            tags = TagParser.Normalise(tags.Concat(TagParser.Parse(custom)));
        }

        return tags;
    }

    /// <summary>The ticket a caller named, if it exists and can still be updated.</summary>
    private async Task<ZendeskTicket?> ExistingAsync(long id, CancellationToken cancellationToken)
    {
        var (ticket, unusable) = await UsableTicket.CheckAsync(zendesk, id, budget: null, cancellationToken);
        if (unusable is not null)
        {
            LogUnknownTicket(logger, id, unusable);
            return null;
        }

        return ticket;
    }

    private async Task<TaskLedger> CreateAsync(TaskLedger ledger, TaskContext task, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Deserialize(ledger.PendingTicketBody!, ZendeskJsonContext.Default.ZendeskNewTicketBody)!;
        var stage = ledger.PendingTicketStage;
        ZendeskTicket ticket;
        try
        {
            ticket = (await ApiCall.RequireAsync(() => zendesk.CreateTicketAsync(body, IdempotencyKey(task.TaskSid, ledger.PendingTicketBody!), cancellationToken), "Zendesk create ticket", cancellationToken)).Ticket;
        }
        catch (RetryableException)
        {
            // Let the next attempt replay at once (same body, same key) instead of waiting out our claim.
            ledger.TicketClaim = ledger.TicketClaim! with { Since = DateTimeOffset.UnixEpoch };
            await store.TrySaveAsync(ledger, cancellationToken);
            throw;
        }
        catch (PermanentException) when (ledger.TicketClaim is not null)
        {
            // Zendesk forgets idempotency keys after a while; the ticket we made may still be there.
            var found = await ByExternalIdAsync(task.TaskSid, cancellationToken);
            if (found is null)
            {
                // Refused for good: release the claim so a later event can resolve afresh.
                ledger.TicketClaim = null;
                ledger.PendingTicketBody = null;
                ledger.PendingTicketStage = null;
                await store.TrySaveAsync(ledger, cancellationToken);
                throw;
            }

            ticket = found;
        }

        ledger = await store.UpdateAsync(ledger, l =>
        {
            l.TicketId = ticket.Id;
            l.TicketSource = "created";
            l.RequesterId = ticket.RequesterId;
            if (stage is not null)
            {
                l.MarkNoteDone(stage);
            }

            l.TicketClaim = null;
            l.PendingTicketBody = null;
            l.PendingTicketStage = null;
        }, cancellationToken);
        LogCreated(logger, ticket.Id, task.TaskSid);
        metrics.TicketCreated();
        if (stage is not null)
        {
            metrics.NoteLogged(stage);
        }

        return ledger;
    }

    /// <summary>Same task and same body, same key: a replay. A rebuilt body (new requester) gets a new key.</summary>
    private static string IdempotencyKey(string taskSid, string body) =>
        $"flexzendesk-ticket-{taskSid}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)))[..16]}";

    private async Task<ZendeskTicket?> ByExternalIdAsync(string taskSid, CancellationToken cancellationToken)
    {
        var found = await ApiCall.RequireAsync(() => zendesk.TicketsByExternalIdAsync(taskSid, cancellationToken), "Zendesk tickets by external_id", cancellationToken);
        return found.Tickets.FirstOrDefault();
    }

    [LoggerMessage(LogLevel.Information, "Created Zendesk ticket {TicketId} for task {TaskSid}")]
    private static partial void LogCreated(ILogger logger, long ticketId, string taskSid);

    [LoggerMessage(LogLevel.Information, "zd_ticket_id {TicketId} cannot be used ({Reason}); a new ticket is made if creation is on")]
    private static partial void LogUnknownTicket(ILogger logger, long ticketId, string reason);

    [LoggerMessage(LogLevel.Information, "Task {TaskSid} has no usable zd_ticket_id and Tickets:CreateTickets is off; nothing logged")]
    private static partial void LogNotCreating(ILogger logger, string taskSid);
}
