namespace FlexZendesk.Tests.Infrastructure;

/// <summary>TaskRouter Event Callback bodies with the fields Twilio sends (see DESIGN.md §2).</summary>
internal static class TaskRouterSamples
{
    public const string TaskSid = "WT0123456789abcdef0123456789abcdef";

    public const string Attributes =
        """{"from":"+14155550100","channelType":"voice","zd_ticket_id":"","zdCustomTags":"[vip billing]","conversations":{"segment_link":"https://example.test/rec/1"}}""";

    public static List<KeyValuePair<string, string>> Event(
        string eventType,
        string eventSid = "EV0123456789abcdef0123456789abcdef",
        string attributes = Attributes,
        string workspaceSid = FunctionsApp.WorkspaceSid) =>
    [
        new("EventType", eventType),
        new("AccountSid", FunctionsApp.AccountSid),
        new("WorkspaceSid", workspaceSid),
        new("WorkspaceName", "Flex Task Assignment"),
        new("EventDescription", $"Event {eventType} for task {TaskSid}"),
        new("ResourceType", "task"),
        new("ResourceSid", TaskSid),
        new("Timestamp", "1732406400"),
        new("TimestampMs", "1732406400123"),
        new("Sid", eventSid),
        new("TaskSid", TaskSid),
        new("TaskAttributes", attributes),
        new("TaskAge", "12"),
        new("TaskPriority", "0"),
        new("TaskAssignmentStatus", "pending"),
        new("TaskQueueSid", "WQ0123456789abcdef0123456789abcdef"),
        new("TaskQueueName", "Everyone"),
        new("WorkflowSid", "WW0123456789abcdef0123456789abcdef"),
        new("TaskChannelUniqueName", "voice"),
    ];
}
