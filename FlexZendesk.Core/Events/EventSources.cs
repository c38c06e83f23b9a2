namespace FlexZendesk.Core.Events;

public static class EventSources
{
    public const string TaskRouter = "taskrouter";
    public const string Studio = "studio";

    /// <summary>The Flex UI plugin, through <c>/api/flex/tasks/selected</c>.</summary>
    public const string Flex = "flex";

    /// <summary>Event type of a Studio callback that names none in <c>EventType</c>.</summary>
    public const string StudioDefaultEventType = "studio.request";

    /// <summary>Event type of an agent's select reported by the Flex UI plugin (the "selected" stage).</summary>
    public const string FlexSelectedEventType = "task.selected";
}
