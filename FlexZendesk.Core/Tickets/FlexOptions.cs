namespace FlexZendesk.Core.Tickets;

/// <summary>Settings under <c>Flex:</c>: which tasks the integration handles, and the screen-pop write-back.</summary>
public sealed class FlexOptions
{
    public const string Section = "Flex";

    /// <summary>Write <c>zd_ticket_id</c> and <c>zd_user_id</c> into the task attributes so a Flex UI can open the ticket.</summary>
    public bool WriteBackTaskAttributes { get; set; } = true;

    /// <summary>Handle only tasks of these workflows (comma separated WW… SIDs); empty = all.</summary>
    public string WorkflowSids { get; set; } = "";

    /// <summary>Handle only these task channels (voice, chat, sms, email…); empty = all.</summary>
    public string TaskChannels { get; set; } = "";

    /// <summary>
    /// The key a Flex UI plugin sends (header <c>x-functions-key</c>) to report the "selected" stage, which TaskRouter
    /// has no event for. Empty: the endpoint is off. Secret; never logged.
    /// </summary>
    public string PluginKey { get; set; } = "";

    public static IReadOnlySet<string> ListOf(string value) =>
        value.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
}
