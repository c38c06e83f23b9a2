using Azure;
using Azure.Data.Tables;

namespace FlexZendesk.Core.Ledger;

/// <summary>
/// What has been done for one task: its ticket, requester, which stage notes are logged, and claims on work in
/// progress. One table row per task (PartitionKey = TaskSid), written with ETag optimistic concurrency.
/// </summary>
public sealed class TaskLedger
{
    private const string RowKey = "task";
    private const string NotePrefix = "Note_";

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

    public bool WrittenBack { get => Entity.GetBoolean(nameof(WrittenBack)) ?? false; set => Entity[nameof(WrittenBack)] = value; }

    /// <summary>A ticket creation in progress: the exact request body, so a retry replays it under the same Idempotency-Key.</summary>
    public string? PendingTicketBody { get => Entity.GetString(nameof(PendingTicketBody)); set => Entity[nameof(PendingTicketBody)] = value; }

    /// <summary>The stage whose note rides in the pending creation's first comment.</summary>
    public string? PendingTicketStage { get => Entity.GetString(nameof(PendingTicketStage)); set => Entity[nameof(PendingTicketStage)] = value; }

    public Claim? TicketClaim { get => Claim.Parse(Entity.GetString(nameof(TicketClaim))); set => Entity[nameof(TicketClaim)] = value?.ToString(); }

    public bool IsNoteDone(string stage) => Entity.GetString(NotePrefix + stage) == "done";

    public Claim? NoteClaim(string stage) => Claim.Parse(Entity.GetString(NotePrefix + stage));

    public void MarkNoteDone(string stage) => Entity[NotePrefix + stage] = "done";

    /// <summary>Zendesk refused the note for good (e.g. the ticket is closed): neither done nor to be retried.</summary>
    public void MarkNoteFailed(string stage) => Entity[NotePrefix + stage] = "failed";

    public bool IsNoteFailed(string stage) => Entity.GetString(NotePrefix + stage) == "failed";

    /// <summary>Done or refused for good: nothing more to try for this stage's note.</summary>
    public bool IsNoteSettled(string stage) => IsNoteDone(stage) || IsNoteFailed(stage);

    public void ClaimNote(string stage, Claim claim) => Entity[NotePrefix + stage] = claim.ToString();

    /// <summary>Drops this stage's claim: its owner knows the note was never sent.</summary>
    public void ReleaseNote(string stage) => Entity.Remove(NotePrefix + stage);

    public IEnumerable<string> DoneStages => Entity.Keys
        .Where(k => k.StartsWith(NotePrefix, StringComparison.Ordinal) && Entity.GetString(k) == "done")
        .Select(k => k[NotePrefix.Length..]);

    internal ETag ETag => Entity.ETag;
}
