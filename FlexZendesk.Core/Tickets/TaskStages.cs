using FlexZendesk.Core.Events;

namespace FlexZendesk.Core.Tickets;

/// <summary>The task stages a note can be logged at, and the TaskRouter events that mark them.</summary>
public static class TaskStages
{
    public const string Created = "created";
    public const string Accepted = "accepted";
    public const string Selected = "selected";
    public const string Wrapup = "wrapup";
    public const string Completed = "completed";
    public const string Canceled = "canceled";
    public const string Transfer = "transfer";

    public static readonly IReadOnlyList<string> All = [Created, Accepted, Selected, Wrapup, Completed, Canceled, Transfer];

    /// <summary>The stage an event marks, or null for events that mark none.</summary>
    public static string? Of(string eventType) => eventType switch
    {
        "task.created" => Created,
        "reservation.accepted" => Accepted,
        EventSources.FlexSelectedEventType => Selected,
        "reservation.wrapup" or "task.wrapup" => Wrapup,
        "task.completed" => Completed,
        "task.canceled" => Canceled,
        _ when eventType.StartsWith("task.transfer-", StringComparison.Ordinal) => Transfer,
        _ => null,
    };

    /// <summary>
    /// The TaskRouter event types that mark <paramref name="stage"/>, the inverse of <see cref="Of"/>: exact names, or a
    /// prefix ending in <c>*</c> (transfers). None for <see cref="Selected"/>, which a Flex UI plugin reports, not TaskRouter.
    /// </summary>
    public static IReadOnlyList<string> EventTypesOf(string stage) => stage switch
    {
        Created => ["task.created"],
        Accepted => ["reservation.accepted"],
        Wrapup => ["reservation.wrapup", "task.wrapup"],
        Completed => ["task.completed"],
        Canceled => ["task.canceled"],
        Transfer => ["task.transfer-*"],
        _ => [],
    };

    /// <summary>
    /// The note stage of a second worker accepting the task (a transfer): one note per worker that takes the task
    /// over, naming both agents.
    /// </summary>
    public static string TransferTo(string workerSid) => $"{Transfer}_{workerSid}";

    /// <summary>
    /// The note stage of an agent's select in the Flex UI: one note per task and agent, however often a multitasking
    /// agent switches back to it.
    /// </summary>
    public static string SelectedBy(string workerSid) => $"{Selected}_{workerSid}";

    /// <summary>The stage a note key belongs to (<c>transfer_WK…</c> → <c>transfer</c>, <c>selected_WK…</c> → <c>selected</c>), for metrics and settings.</summary>
    public static string Kind(string stage) =>
        stage.StartsWith(Transfer + "_", StringComparison.Ordinal) ? Transfer
        : stage.StartsWith(Selected + "_WK", StringComparison.Ordinal) ? Selected
        : stage;

    /// <summary>Stages after which the task is over: writing its attributes is pointless.</summary>
    public static bool IsFinal(string stage) => stage is Completed or Canceled;
}
