using System.Text.Json;
using System.Text.RegularExpressions;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Queues;
using Microsoft.AspNetCore.Http.HttpResults;
using FlexZendesk.Functions.Webhooks;
using Microsoft.Azure.Functions.Worker;

namespace FlexZendesk.Functions.Flex;

/// <summary>
/// <c>POST /api/flex/tasks/selected</c>: a Flex UI plugin reports that an agent
/// selected a task. Enqueued as <c>task.selected</c>, so the "selected" stage note goes through the same
/// exactly-once processing as TaskRouter events.
/// </summary>
public sealed partial class FlexTaskSelected(EventQueueWriter queue, TimeProvider clock)
{
    public const string EventType = "task.selected";

    [Function(nameof(FlexTaskSelected))]
    [PluginKey]
    public async Task<Results<Accepted<Studio.StudioAccepted>, ProblemHttpResult>> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "flex/tasks/selected")] HttpRequest request)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        if (await JsonBody.ReadAsync(request, AppJsonContext.Default.TaskSelected) is not { } body)
        {
            return Problems.Malformed("The body is not a JSON object.");
        }

        var selected = body.Value;
        if (selected?.TaskSid is not { } taskSid || !TaskSidPattern().IsMatch(taskSid))
        {
            return Problems.Malformed("taskSid (WT…) is required.");
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
