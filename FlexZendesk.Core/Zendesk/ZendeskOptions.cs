using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Zendesk;

/// <summary>Settings under <c>Zendesk:</c>.</summary>
public sealed class ZendeskOptions
{
    public const string Section = "Zendesk";

    [Required(ErrorMessage = "Zendesk:BaseUrl is required (https://<subdomain>.zendesk.com).")]
    [RegularExpression(@"^https?://[^/?#@\s]+/?$", ErrorMessage = "Zendesk:BaseUrl must be scheme and host only, e.g. https://acme.zendesk.com.")]
    public string BaseUrl { get; set; } = "";

    /// <summary>The agent the API token belongs to; with <see cref="ApiToken"/> it forms <c>{email}/token:{token}</c>.</summary>
    public string? Email { get; set; }

    /// <summary>Secret; never logged.</summary>
    public string? ApiToken { get; set; }

    /// <summary>Secret; used instead of Email + ApiToken when set.</summary>
    public string? OAuthToken { get; set; }

    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// Talk Partner Edition: the id of the Zendesk app registered in the account (need not be published). Set, a voice
    /// task's end becomes a call record (and a caller who hung up in the queue an <c>abandoned_in_queue</c> one).
    /// </summary>
    public long? TalkAppId { get; set; }

    /// <summary>The plan's API budget (Team 200, Professional 400, Enterprise 700, High Volume 2500), for the account: every instance spends it together.</summary>
    public int RequestsPerMinute { get; set; } = 200;

    /// <summary>Zendesk's Update Ticket limit (100 per minute per account), for the account: every instance spends it together.</summary>
    public int TicketUpdatesPerMinute { get; set; } = 100;
}

public sealed class ZendeskOptionsValidator : IValidateOptions<ZendeskOptions>
{
    private readonly ZendeskOptionsDataValidator _data = new();

    public ValidateOptionsResult Validate(string? name, ZendeskOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(_data.Validate(name, options));
        if (string.IsNullOrEmpty(options.OAuthToken) && (string.IsNullOrEmpty(options.Email) || string.IsNullOrEmpty(options.ApiToken)))
        {
            builder.AddError("Zendesk:Email and Zendesk:ApiToken are required unless Zendesk:OAuthToken is set.");
        }

        if (options.TalkAppId is <= 0)
        {
            builder.AddError("Zendesk:TalkAppId must be the positive id of the Zendesk app registered for Talk Partner Edition, or unset.");
        }

        return builder
            .Range("Zendesk:RequestsPerMinute", options.RequestsPerMinute, 1, 100_000)
            .Range("Zendesk:TicketUpdatesPerMinute", options.TicketUpdatesPerMinute, 1, 100_000)
            .Range("Zendesk:TimeoutSeconds", options.TimeoutSeconds, 1, 120)
            .Build();
    }
}

[OptionsValidator]
internal sealed partial class ZendeskOptionsDataValidator : IValidateOptions<ZendeskOptions>;
