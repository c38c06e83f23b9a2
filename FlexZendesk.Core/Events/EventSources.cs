namespace FlexZendesk.Core.Events;

public static class EventSources
{
    public const string TaskRouter = "taskrouter";
    public const string Studio = "studio";

    /// <summary>Event type of a Studio callback that names none in <c>EventType</c>.</summary>
    public const string StudioDefaultEventType = "studio.request";
}
