namespace FlexZendesk.Sandbox;

/// <summary>Settings under <c>Sandbox:</c>. The credentials are what the sandbox accepts, like a real account's.</summary>
public sealed class SandboxOptions
{
    public string ZendeskEmail { get; set; } = "agent@example.test";
    public string ZendeskApiToken { get; set; } = "sandbox-zendesk-token";
    public string? ZendeskOAuthToken { get; set; }
    public string TwilioAccountSid { get; set; } = "AC00000000000000000000000000000000";
    public string TwilioAuthToken { get; set; } = "sandbox-twilio-token";

    /// <summary>Required in <c>X-Sandbox-Key</c> for every <c>/_sandbox</c> call.</summary>
    public string ControlKey { get; set; } = "sandbox-control-key";

    /// <summary>Zendesk plan budget per minute (Team 200, Professional 400, Enterprise 700); 0 = unlimited.</summary>
    public int RequestsPerMinute { get; set; } = 700;

    /// <summary>
    /// TaskRouter's task <c>ETag</c> as Twilio documents it, the bare version (<c>3</c>), or quoted (<c>"3"</c>) as
    /// HTTP's grammar has it. <c>If-Match</c> is accepted in either form, and <c>*</c> matches any version.
    /// </summary>
    public bool QuoteTaskETag { get; set; }

    /// <summary>Zendesk Update Ticket budget per minute (100 on every plan); 0 = unlimited.</summary>
    public int TicketUpdatesPerMinute { get; set; } = 100;
}
