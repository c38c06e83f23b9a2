using System.Globalization;
using System.Text.Json.Nodes;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;
using FlexZendesk.Core.Twilio;
using Microsoft.Extensions.Logging;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Screen pop: writes <c>zd_ticket_id</c> and <c>zd_user_id</c> into the task attributes with If-Match; a 412
/// (someone else changed the task) re-reads, merges into the fresh attributes and tries again.
/// </summary>
public sealed partial class TaskWriteBack(ITwilioApi twilio, LedgerStore store, Microsoft.Extensions.Options.IOptions<TwilioOptions> twilioOptions, ILogger<TaskWriteBack> logger)
{
    private const int Attempts = 5;

    public async Task<TaskLedger> RunAsync(TaskLedger ledger, TaskContext task, CancellationToken cancellationToken)
    {
        var workspace = task.WorkspaceSid ?? twilioOptions.Value.WorkspaceSid
            ?? throw new PermanentException("Neither the event nor Twilio:WorkspaceSid names the workspace to write the task attributes back to");
        var ticketId = ledger.TicketId!.Value.ToString(CultureInfo.InvariantCulture);
        var userId = ledger.RequesterId?.ToString(CultureInfo.InvariantCulture);
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var read = await ApiCall.SendAsync(() => twilio.GetTaskAsync(workspace, task.TaskSid, cancellationToken), "Twilio read task", cancellationToken);
            if ((int?)read.StatusCode == 404)
            {
                LogGone(logger, task.TaskSid);
                break;
            }

            var current = read.IsSuccessStatusCode ? read.Content! : throw ApiCall.Failure(read, "Twilio read task");
            var attributes = Parse(current.Attributes)
                ?? throw new PermanentException("The task attributes are not a JSON object; not overwriting them");
            if (attributes["zd_ticket_id"]?.ToString() == ticketId && (userId is null || attributes["zd_user_id"]?.ToString() == userId))
            {
                break;
            }

            attributes["zd_ticket_id"] = ticketId;
            if (userId is not null)
            {
                attributes["zd_user_id"] = userId;
            }

            var write = await ApiCall.SendAsync(
                () => twilio.UpdateTaskAsync(workspace, task.TaskSid, new() { ["Attributes"] = Serialize(attributes) }, read.Headers.ETag?.Tag ?? "*", cancellationToken),
                "Twilio update task",
                cancellationToken);
            if (write.IsSuccessStatusCode)
            {
                LogWritten(logger, task.TaskSid, ticketId, attempt);
                break;
            }

            if ((int?)write.StatusCode != 412 || attempt == Attempts)
            {
                throw ApiCall.Failure(write, "Twilio update task");
            }
        }

        return await store.UpdateAsync(ledger, l => l.WrittenBack = true, cancellationToken);
    }

    /// <summary>Without re-escaping '+', quotes or non-ASCII as \uXXXX: the attributes stay as Flex wrote them.</summary>
    private static string Serialize(JsonObject attributes)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            attributes.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static JsonObject? Parse(string? attributes)
    {
        try
        {
            return JsonNode.Parse(string.IsNullOrEmpty(attributes) ? "{}" : attributes) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(LogLevel.Information, "Wrote zd_ticket_id {TicketId} to task {TaskSid} (attempt {Attempt})")]
    private static partial void LogWritten(ILogger logger, string taskSid, string ticketId, int attempt);

    [LoggerMessage(LogLevel.Information, "Task {TaskSid} no longer exists; nothing to write back")]
    private static partial void LogGone(ILogger logger, string taskSid);
}
