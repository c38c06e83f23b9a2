using Microsoft.Extensions.Options;

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
    /// The browser origins the Flex UI plugin may call the app from (CORS; comma separated): hosted Flex, and a
    /// self-hosted Flex UI's own origin. The plugin authenticates with the agent's own Flex token, not a key.
    /// </summary>
    public string AllowedOrigins { get; set; } = "https://flex.twilio.com";

    /// <summary>
    /// What the agent's Zendesk screen opens when they accept a task (Talk Partner Edition display API):
    /// <c>ticket</c>, <c>user</c> (the requester) or <c>none</c>.
    /// </summary>
    public string ScreenPop { get; set; } = ScreenPops.Ticket;

    /// <summary>The same choice when the caller's <c>zd_ticket_id</c> named a usable ticket; empty: <see cref="ScreenPop"/>.</summary>
    public string ScreenPopWithTicketNumber { get; set; } = "";

    /// <summary>An event older than this (by its own Timestamp) pops nothing: the agent has moved on.</summary>
    public int ScreenPopMaxAgeSeconds { get; set; } = 30;

    /// <summary>The choice for a task whose ticket is <paramref name="ticketSource"/> (<c>existing</c>: the caller's number).</summary>
    public string ScreenPopFor(string? ticketSource) =>
        ticketSource == "existing" && ScreenPopWithTicketNumber.Length > 0 ? ScreenPopWithTicketNumber : ScreenPop;

    public static IReadOnlySet<string> ListOf(string value) =>
        value.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.OrdinalIgnoreCase);
}

/// <summary>The choices of <c>Flex:ScreenPop</c> (the Flex Zendesk integration's NAVIGATE setting).</summary>
public static class ScreenPops
{
    public const string Ticket = "ticket";
    public const string User = "user";
    public const string None = "none";
}

public sealed class FlexOptionsValidator : IValidateOptions<FlexOptions>
{
    public ValidateOptionsResult Validate(string? name, FlexOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.ScreenPop is not (ScreenPops.Ticket or ScreenPops.User or ScreenPops.None))
        {
            builder.AddError("Flex:ScreenPop must be ticket, user or none.");
        }

        if (options.ScreenPopWithTicketNumber is not ("" or ScreenPops.Ticket or ScreenPops.User or ScreenPops.None))
        {
            builder.AddError("Flex:ScreenPopWithTicketNumber must be ticket, user, none or empty (= Flex:ScreenPop).");
        }

        foreach (var origin in FlexOptions.ListOf(options.AllowedOrigins))
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
            {
                builder.AddError($"Flex:AllowedOrigins: {origin} is not an origin (scheme://host[:port], no path), e.g. https://flex.twilio.com.");
            }
        }

        return builder.Range("Flex:ScreenPopMaxAgeSeconds", options.ScreenPopMaxAgeSeconds, 1, 3600).Build();
    }
}
