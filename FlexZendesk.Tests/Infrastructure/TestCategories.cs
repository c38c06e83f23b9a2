namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// The categories scripts/test runs each in a test process of its own, alongside the rest (each process has its own
/// Azurite and sandbox), so their length no longer adds to the run's. The end-to-end tests mostly wait (on the
/// listener, the sandbox, Azurite) in many short steps, so a second process finds the CPU idle; but each slows the
/// others, which is why there are a few, cut where their length is (docs/performance.md has the measurements).
/// </summary>
internal static class TestCategories
{
    /// <summary>A test that must outlast a clock minute (a per-minute limit, spent) and spends it mostly waiting.</summary>
    public const string Minute = "Minute";

    /// <summary>The package test: its publish is a minute of CPU while the rest mostly waits.</summary>
    public const string Package = "Package";

    /// <summary>Faults, outages, the listener's retries and shutdown, reconciliation: ~40 s, mostly waiting for recovery.</summary>
    public const string Recovery = "Recovery";
}
