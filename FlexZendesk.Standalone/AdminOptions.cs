namespace FlexZendesk.Standalone;

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
