namespace FlexZendesk.Tests.Infrastructure;

internal static class TestCategories
{
    /// <summary>
    /// A test that must outlast a clock minute (a per-minute limit, spent) and spends it mostly waiting: scripts/test runs
    /// these in a second test process, with its own Azurite and sandbox, while the rest run.
    /// </summary>
    public const string Minute = "Minute";
}
