using System.Globalization;
using System.Text.Json.Nodes;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Text;
using FlexZendesk.Core.Twilio;
using Microsoft.Extensions.Logging;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Screen pop: writes <c>zd_ticket_id</c>, <c>zd_user_id</c> and <c>zd_ticket_source</c> (<c>created</c> or <c>existing</c>) into the task attributes with If-Match carrying the
/// version just read (bare or quoted, as Twilio sent it); a 412 (someone else changed the task in between) re-reads,
/// merges into the fresh attributes and tries again, so a concurrent change is never overwritten.
/// </summary>
public sealed partial class TaskWriteBack(TwilioRest twilio, Microsoft.Extensions.Options.IOptions<TwilioOptions> twilioOptions, ILogger<TaskWriteBack> logger)
{
    private const int Attempts = 5;

    public async Task RunAsync(LedgerSession session, TaskContext task, CancellationToken cancellationToken)
    {
        var ledger = session.Ledger;
        var workspace = task.WorkspaceSid ?? twilioOptions.Value.WorkspaceSid
            ?? throw new PermanentException("Neither the event nor Twilio:WorkspaceSid names the workspace to write the task attributes back to");
        var ticketId = ledger.TicketId!.Value.ToString(CultureInfo.InvariantCulture);
        var userId = ledger.RequesterId?.ToString(CultureInfo.InvariantCulture);
        // created, or existing (the caller's zd_ticket_id): the Flex UI plugin's NAVIGATE choice differs by it.
        var source = ledger.TicketSource;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var current = await twilio.ReadTaskAsync(workspace, task.TaskSid, cancellationToken);
            if (current is null)
            {
                LogGone(logger, task.TaskSid);
                break;
            }

            var attributes = Parse(current.Attributes)
                ?? throw new PermanentException("The task attributes are not a JSON object; not overwriting them");
            if (attributes["zd_ticket_id"]?.ToString() == ticketId && (userId is null || attributes["zd_user_id"]?.ToString() == userId)
                && (source is null || attributes["zd_ticket_source"]?.ToString() == source))
            {
                break;
            }

            attributes["zd_ticket_id"] = ticketId;
            if (userId is not null)
            {
                attributes["zd_user_id"] = userId;
            }

            if (source is not null)
            {
                attributes["zd_ticket_source"] = source;
            }

            // Without a version there is nothing to protect: Twilio always sends one, so this is a stand-in's gap.
            var version = current.ETag ?? throw new RetryableException("Twilio read task: no ETag to write back with If-Match");
            if (await twilio.TryUpdateAttributesAsync(workspace, task.TaskSid, RelaxedJson.Write(attributes, indented: false), version, cancellationToken))
            {
                LogWritten(logger, task.TaskSid, ticketId, attempt);
                break;
            }

            if (attempt == Attempts)
            {
                throw new RetryableException($"Twilio update task: the task changed under every one of {Attempts} writes (HTTP 412)");
            }

            LogChanged(logger, task.TaskSid, attempt);
        }

        await session.RecordAsync(l => l.WrittenBack = true, cancellationToken);
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

    [LoggerMessage(LogLevel.Debug, "Task {TaskSid} changed between read and write (attempt {Attempt}); re-reading")]
    private static partial void LogChanged(ILogger logger, string taskSid, int attempt);

    [LoggerMessage(LogLevel.Information, "Task {TaskSid} no longer exists; nothing to write back")]
    private static partial void LogGone(ILogger logger, string taskSid);
}
