using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Twilio;

/// <summary>Settings under <c>Twilio:</c>.</summary>
public sealed class TwilioOptions
{
    public const string Section = "Twilio";

    [Required(ErrorMessage = "Twilio:AccountSid is required (the AC… SID of the Twilio account).")]
    [RegularExpression("^AC[0-9a-fA-F]{32}$", ErrorMessage = "Twilio:AccountSid must look like AC followed by 32 hex digits.")]
    public string AccountSid { get; set; } = "";

    /// <summary>Signs every webhook; never logged.</summary>
    [Required(ErrorMessage = "Twilio:AuthToken is required (it validates X-Twilio-Signature).")]
    public string AuthToken { get; set; } = "";

    /// <summary>The public scheme+host (and path prefix, if any) that Twilio calls, e.g. https://myapp.azurewebsites.net.</summary>
    [Required(ErrorMessage = "Twilio:WebhookBaseUrl is required (the public https://host that Twilio calls).")]
    [RegularExpression(@"^https?://[^/?#@\s]+(/[^?#\s]*)?$", ErrorMessage = "Twilio:WebhookBaseUrl must be an absolute http(s) URL with no query, fragment or credentials.")]
    public string WebhookBaseUrl { get; set; } = "";

    /// <summary>Replaces scheme and host of every Twilio REST call (taskrouter/conversations/api.twilio.com), e.g. for the sandbox.</summary>
    [RegularExpression(@"^https?://[^?#@\s]+$", ErrorMessage = "Twilio:ApiBaseUrl must be an absolute http(s) URL.")]
    public string? ApiBaseUrl { get; set; }

    /// <summary>Optional API key for REST calls instead of the auth token (the token still validates webhooks).</summary>
    [RegularExpression("^SK[0-9a-fA-F]{32}$", ErrorMessage = "Twilio:ApiKeySid must look like SK followed by 32 hex digits.")]
    public string? ApiKeySid { get; set; }

    /// <summary>Secret of <see cref="ApiKeySid"/>; never logged.</summary>
    public string? ApiKeySecret { get; set; }

    /// <summary>The credentials of every REST call (TaskRouter, the 2010 API, Conversations, token validation): the API key when one is set, else the account's auth token.</summary>
    public (string User, string Secret) RestCredentials =>
        !string.IsNullOrEmpty(ApiKeySid) ? (ApiKeySid, ApiKeySecret ?? "") : (AccountSid, AuthToken);

    /// <summary>When set, callbacks from any other TaskRouter workspace are acknowledged and ignored.</summary>
    [RegularExpression("^WS[0-9a-fA-F]{32}$", ErrorMessage = "Twilio:WorkspaceSid must look like WS followed by 32 hex digits.")]
    public string? WorkspaceSid { get; set; }
}

[OptionsValidator]
public sealed partial class TwilioOptionsValidator : IValidateOptions<TwilioOptions>;
