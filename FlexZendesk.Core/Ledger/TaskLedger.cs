using System.Globalization;
using Azure.Data.Tables;
using Azure;

namespace FlexZendesk.Core.Ledger;

/// <summary>
/// What has been done for one task: its ticket, requester, which stage notes are logged, and claims on work in
/// progress. One table row per task (PartitionKey = TaskSid), written with ETag optimistic concurrency.
/// </summary>
public sealed class TaskLedger
{
    private const string RowKey = "task";
    private const string NotePrefix = "Note_";
    private const string PopPrefix = "Pop_";

    public TaskLedger(string taskSid) => Entity = new TableEntity(taskSid, RowKey);

    internal TaskLedger(TableEntity entity) => Entity = entity;

    internal TableEntity Entity { get; }

    public string TaskSid => Entity.PartitionKey;

    public bool IsNew => Entity.ETag == default;

    public long? TicketId { get => Entity.GetInt64(nameof(TicketId)); set => Entity[nameof(TicketId)] = value; }

    /// <summary><c>created</c> by us, or <c>existing</c> (the caller's zd_ticket_id).</summary>
    public string? TicketSource { get => Entity.GetString(nameof(TicketSource)); set => Entity[nameof(TicketSource)] = value; }

    public long? RequesterId { get => Entity.GetInt64(nameof(RequesterId)); set => Entity[nameof(RequesterId)] = value; }

    /// <summary>Tags still to add to an existing ticket (comma separated); folded into the next note.</summary>
    public string? PendingTags { get => Entity.GetString(nameof(PendingTags)); set => Entity[nameof(PendingTags)] = value; }

    /// <summary>
    /// The reused ticket's tags (comma separated) and <c>updated_at</c> as the validating read found them: the next note
    /// sends them with <see cref="PendingTags"/> as one safe update. Rows written before these existed have neither; their
    /// owed tags go out through Add Tags.
    /// </summary>
    public string? TicketTags { get => Entity.GetString(nameof(TicketTags)); set => Entity[nameof(TicketTags)] = value; }

    public string? TicketStamp { get => Entity.GetString(nameof(TicketStamp)); set => Entity[nameof(TicketStamp)] = value; }

    /// <summary>Tags are still owed to the reused ticket.</summary>
    public bool OwesTags => PendingTags is { Length: > 0 };

    /// <summary>
    /// The note stage whose update carries the owed tags, claimed with that note: concurrent notes of one task would each
    /// send them as a safe update against the same stamp, and all but the first would be refused (409).
    /// </summary>
    public string? TagsCarrier { get => Entity.GetString(nameof(TagsCarrier)); set => Entity[nameof(TagsCarrier)] = value; }

    public bool WrittenBack { get => Entity.GetBoolean(nameof(WrittenBack)) ?? false; set => Entity[nameof(WrittenBack)] = value; }

    /// <summary>A ticket creation in progress: the exact request body, so a retry replays it under the same Idempotency-Key.</summary>
    public string? PendingTicketBody { get => Entity.GetString(nameof(PendingTicketBody)); set => Entity[nameof(PendingTicketBody)] = value; }

    /// <summary>The stage whose note rides in the pending creation's first comment.</summary>
    public string? PendingTicketStage { get => Entity.GetString(nameof(PendingTicketStage)); set => Entity[nameof(PendingTicketStage)] = value; }

    public Claim? TicketClaim { get => Claim.Parse(Entity.GetString(nameof(TicketClaim))); set => Entity[nameof(TicketClaim)] = value?.ToString(); }

    /// <summary>The worker whose reservation was accepted last (by the event's own time); <c>task.*</c> events name none.</summary>
    public string? WorkerSid { get => Entity.GetString(nameof(WorkerSid)); set => Entity[nameof(WorkerSid)] = value; }

    /// <summary>That worker's Zendesk agent, when one was found.</summary>
    public long? AgentId { get => Entity.GetInt64(nameof(AgentId)); set => Entity[nameof(AgentId)] = value; }

    /// <summary>When that worker's reservation event happened (Unix ms): an older event of another worker does not replace it.</summary>
    public long? AgentSince { get => Entity.GetInt64(nameof(AgentSince)); set => Entity[nameof(AgentSince)] = value; }

    /// <summary>When the task was first accepted (Unix ms, the earliest acceptance seen): the end of the caller's wait.</summary>
    public long? AcceptedAt { get => Entity.GetInt64(nameof(AcceptedAt)); set => Entity[nameof(AcceptedAt)] = value; }

    /// <summary>
    /// The Talk Partner Edition call record: a claim while it is being created, then <c>done</c>, <c>failed: …</c>
    /// (refused for good), <c>unknown: …</c> (a create whose answer was lost, with no ticket to look for it on) or
    /// <c>skipped: …</c>.
    /// </summary>
    public string? CallRecord { get => Entity.GetString(nameof(CallRecord)); set => Entity[nameof(CallRecord)] = value; }

    /// <summary>The call record's Zendesk id.</summary>
    public long? CallRecordId { get => Entity.GetInt64(nameof(CallRecordId)); set => Entity[nameof(CallRecordId)] = value; }

    /// <summary>Every worker that accepted the task, in the order processed: one line each, <c>WK…\tagent id\tname</c>.</summary>
    public string? Agents { get => Entity.GetString(nameof(Agents)); set => Entity[nameof(Agents)] = value; }

    public IReadOnlyList<TaskAgent> AgentHistory => (Agents ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(line => line.Split('\t'))
        .Select(f => new TaskAgent(f[0], f.Length > 1 && long.TryParse(f[1], System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : null, f.Length > 2 && f[2].Length > 0 ? f[2] : null))
        .ToList();

    /// <summary>The assignee this app set on the ticket.</summary>
    public long? AssigneeId { get => Entity.GetInt64(nameof(AssigneeId)); set => Entity[nameof(AssigneeId)] = value; }

    /// <summary>The ticket's assignee is not ours to set: the caller's ticket had one, or Zendesk refused ours.</summary>
    public bool AssigneeKept { get => Entity.GetBoolean(nameof(AssigneeKept)) ?? false; set => Entity[nameof(AssigneeKept)] = value; }

    /// <summary>
    /// Records a worker that accepted the task: added to <see cref="AgentHistory"/> once, and the task's agent unless a
    /// later acceptance (by the events' own time) is already recorded.
    /// </summary>
    public void RecordAgent(TaskAgent agent, long since)
    {
        if (AgentHistory.All(a => a.WorkerSid != agent.WorkerSid))
        {
            var name = (agent.Name ?? "").Replace('\t', ' ').Replace('\n', ' ');
            Agents = (Agents is { Length: > 0 } history ? history + "\n" : "") + $"{agent.WorkerSid}\t{agent.AgentId}\t{name}";
        }

        if (!(AcceptedAt <= since))
        {
            AcceptedAt = since;
        }

        if (WorkerSid != agent.WorkerSid && !(AgentSince > since))
        {
            (WorkerSid, AgentId, AgentSince) = (agent.WorkerSid, agent.AgentId, since);
        }
    }

    /// <summary>A screen pop's record (<c>done …</c>, <c>skipped …</c>, <c>failed …</c>, or a claim), by stage and worker.</summary>
    public string? Pop(string stage, string workerSid) => Entity.GetString(PopKey(stage, workerSid));

    public void RecordPop(string stage, string workerSid, string outcome) => Entity[PopKey(stage, workerSid)] = outcome;

    public IEnumerable<(string Key, string Value)> Pops => Entity.Keys
        .Where(k => k.StartsWith(PopPrefix, StringComparison.Ordinal))
        .Select(k => (k[PopPrefix.Length..], Entity.GetString(k) ?? ""));

    public IEnumerable<(string Stage, string Value)> Notes => Entity.Keys
        .Where(k => k.StartsWith(NotePrefix, StringComparison.Ordinal))
        .Select(k => (k[NotePrefix.Length..], Entity.GetString(k) ?? ""));

    private static string PopKey(string stage, string workerSid) => $"{PopPrefix}{stage}_{workerSid}";

    public bool IsNoteDone(string stage) => Entity.GetString(NotePrefix + stage) == "done";

    public Claim? NoteClaim(string stage) => Claim.Parse(Entity.GetString(NotePrefix + stage));

    public void MarkNoteDone(string stage) => Entity[NotePrefix + stage] = "done";

    /// <summary>Zendesk refused the note for good (e.g. the ticket is closed): neither done nor to be retried.</summary>
    public void MarkNoteFailed(string stage) => Entity[NotePrefix + stage] = "failed";

    public bool IsNoteFailed(string stage) => Entity.GetString(NotePrefix + stage) == "failed";

    /// <summary>Nothing to write for this stage after all (a call without a recording gets no voice comment).</summary>
    public void MarkNoteSkipped(string stage, string why) => Entity[NotePrefix + stage] = "skipped: " + why;

    /// <summary>Done, refused for good or not needed: nothing more to try for this stage's note.</summary>
    public bool IsNoteSettled(string stage) =>
        IsNoteDone(stage) || IsNoteFailed(stage) || Entity.GetString(NotePrefix + stage)?.StartsWith("skipped: ", StringComparison.Ordinal) == true;

    public void ClaimNote(string stage, Claim claim) => Entity[NotePrefix + stage] = claim.ToString();

    /// <summary>Drops this stage's claim: its owner knows the note was never sent.</summary>
    public void ReleaseNote(string stage) => Entity.Remove(NotePrefix + stage);

    public IEnumerable<string> DoneStages => Entity.Keys
        .Where(k => k.StartsWith(NotePrefix, StringComparison.Ordinal) && Entity.GetString(k) == "done")
        .Select(k => k[NotePrefix.Length..]);

    internal ETag ETag => Entity.ETag;
}

/// <summary>A worker that accepted the task, and its Zendesk agent when one was found.</summary>
public sealed record TaskAgent(string WorkerSid, long? AgentId, string? Name);

/// <summary>"Worker <see cref="Owner"/> started this at <see cref="Since"/>": stored as <c>pending|owner|ticks</c>.</summary>
public sealed record Claim(string Owner, DateTimeOffset Since)
{
    public bool IsStale(DateTimeOffset now, TimeSpan timeout) => now - Since > timeout;

    public override string ToString() => $"pending|{Owner}|{Since.UtcTicks.ToString(CultureInfo.InvariantCulture)}";

    public static Claim? Parse(string? text)
    {
        var parts = text?.Split('|');
        return parts is ["pending", var owner, var ticks] && long.TryParse(ticks, CultureInfo.InvariantCulture, out var utcTicks)
            ? new Claim(owner, new DateTimeOffset(utcTicks, TimeSpan.Zero))
            : null;
    }
}
