namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// The categories scripts/test runs each in a test process of its own, alongside the rest (each process has its own
/// Azurite and sandbox), so their length no longer adds to the run's. The end-to-end tests mostly wait (on the
/// listener, the sandbox, Azurite) in many short steps, so a second process finds the CPU idle; but each process
/// slows the others (a third one, of the fault and recovery tests, made CI's test step longer: 174 s against 162), so
/// only these two run apart (docs/performance.md has the measurements).
/// </summary>
internal static class TestCategories
{
    /// <summary>A test that must outlast a clock minute (a per-minute limit, spent) and spends it mostly waiting.</summary>
    public const string Minute = "Minute";

    /// <summary>The package test: its publish is a minute of CPU while the rest mostly waits.</summary>
    public const string Package = "Package";
}
