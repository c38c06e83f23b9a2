using System.Text.Json;
using System.Text.RegularExpressions;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Queues;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlexZendesk.Functions.Flex;

/// <summary>
/// <c>POST /api/flex/tasks/selected</c> (function <c>FlexTaskSelected</c>): a Flex UI plugin reports that an agent
/// selected a task. Enqueued as <c>task.selected</c>, so the "selected" stage note goes through the same
/// exactly-once processing as TaskRouter events.
/// </summary>
public static partial class FlexPluginApi
{
    public const string EventType = "task.selected";

    public static IEndpointRouteBuilder MapFlexPluginApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/flex/tasks/selected", SelectedAsync)
            .AddEndpointFilter<PluginKeyFilter>()
            .WithName("FlexTaskSelected");
        return app;
    }

    public static async Task<Results<Accepted<Studio.StudioAccepted>, ProblemHttpResult>> SelectedAsync(
        TaskSelected? selected,
        EventQueueWriter queue,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (selected?.TaskSid is not { } taskSid || !TaskSidPattern().IsMatch(taskSid))
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad Request", detail: "taskSid (WT…) is required.");
        }

        Dictionary<string, string> fields = new() { ["TaskSid"] = taskSid };
        Add(fields, "WorkspaceSid", selected.WorkspaceSid);
        Add(fields, "TaskChannelUniqueName", selected.Channel);
        Add(fields, "TaskQueueName", selected.QueueName);
        Add(fields, "WorkerName", selected.WorkerName);
        var envelope = new FlexEventEnvelope
        {
            // One "selected" note per task, however often agents select it: the id is per task.
            Id = "selected:" + taskSid,
            Source = "flex",
            EventType = EventType,
            ReceivedAt = clock.GetUtcNow(),
            TaskSid = taskSid,
            Fields = fields,
            TaskAttributes = selected.Attributes is { ValueKind: JsonValueKind.Object } attributes ? attributes : null,
        };
        await queue.EnqueueAsync(envelope, cancellationToken);
        return TypedResults.Accepted((string?)null, new Studio.StudioAccepted(true, envelope.Id, EventType));
    }

    private static void Add(Dictionary<string, string> fields, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            fields[key] = value;
        }
    }

    [GeneratedRegex("^WT[0-9a-fA-F]{32}$")]
    private static partial Regex TaskSidPattern();
}
