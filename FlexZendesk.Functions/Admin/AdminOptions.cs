namespace FlexZendesk.Functions.Admin;

/// <summary>Settings under <c>Admin:</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>
    /// Without a Functions host (standalone), admin endpoints need this in <c>x-functions-key</c>; empty = off.
    /// Under the host, <c>authLevel: admin</c> makes the host demand the master key instead. Secret.
    /// </summary>
    public string Key { get; set; } = "";
}
