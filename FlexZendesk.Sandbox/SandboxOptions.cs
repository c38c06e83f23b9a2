namespace FlexZendesk.Sandbox;

/// <summary>Settings under <c>Sandbox:</c>. The credentials are what the sandbox accepts, like a real account's.</summary>
public sealed class SandboxOptions
{
    public string ZendeskEmail { get; set; } = "agent@example.test";
    public string ZendeskApiToken { get; set; } = "sandbox-zendesk-token";
    public string? ZendeskOAuthToken { get; set; }
    public string TwilioAccountSid { get; set; } = "AC00000000000000000000000000000000";
    public string TwilioAuthToken { get; set; } = "sandbox-twilio-token";

    /// <summary>
    /// A Twilio API key the account accepts besides its auth token, as Twilio does (HTTP Basic with the key's SID and
    /// secret); none when either is empty.
    /// </summary>
    public string? TwilioApiKeySid { get; set; }
    public string? TwilioApiKeySecret { get; set; }

    /// <summary>
    /// The HTTP status of a refused Flex token's answer (<c>valid: false</c> with its code): Twilio documents none, its
    /// validator library reads <c>valid</c> whatever the status. 200 by default; 401 or 403 to prove the app decides on
    /// <c>valid</c> too.
    /// </summary>
    public int TokenRefusalStatus { get; set; } = 200;

    /// <summary>Keeps each request's body and the answer's in the request log (for the tests' contract tier).</summary>
    public bool RecordBodies { get; set; }

    /// <summary>Called with each request once it is logged (the tests' contract tier judges it there).</summary>
    public Action<SandboxRequest>? Observe { get; set; }

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
