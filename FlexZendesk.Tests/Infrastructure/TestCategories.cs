namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// The categories scripts/test runs each in a test process of its own, alongside the rest (each process has its own
/// Azurite and sandbox), so they no longer add their whole length to a run.
/// </summary>
internal static class TestCategories
{
    /// <summary>A test that must outlast a clock minute (a per-minute limit, spent) and spends it mostly waiting.</summary>
    public const string Minute = "Minute";

    /// <summary>
    /// The package test: its publish is a minute of CPU, the rest of the run mostly waits (on the listener, the
    /// sandbox, Azurite). On this 2-core machine the publish alongside costs the rest little; in line it adds its
    /// whole length (docs/performance.md has the measurements).
    /// </summary>
    public const string Package = "Package";
}
