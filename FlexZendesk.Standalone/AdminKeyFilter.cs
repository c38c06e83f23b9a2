using FlexZendesk.Functions.Gates;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Standalone;

/// <summary>
/// What the host does for a function above anonymous level (<c>AuthorizationLevel.Function</c> or <c>Admin</c>):
/// no host means no host keys, so the caller must send <c>Admin:Key</c> in <c>x-functions-key</c>. No key
/// configured: 403 for everyone.
/// </summary>
public sealed class AdminKeyFilter(IOptions<AdminOptions> options, ILogger<AdminKeyFilter> logger)
{
    public IResult? Check(HttpContext http) => SharedKey.Require(http, options.Value.Key, "admin", logger);

    /// <summary>The caller sent <c>Admin:Key</c>, this runner's stand-in for the host's master key.</summary>
    public bool IsMasterKey(HttpContext http) => SharedKey.Matches(http.Request.Headers[SharedKey.Header].ToString(), options.Value.Key);
}

/// <summary>Settings under <c>Admin:</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>
    /// Without a Functions host, admin-level functions need this in <c>x-functions-key</c>; empty = off. Under the
    /// host, <c>AuthorizationLevel.Admin</c> makes the host demand its master key instead. Secret.
    /// </summary>
    public string Key { get; set; } = "";
}
