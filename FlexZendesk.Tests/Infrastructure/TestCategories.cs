namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// The categories scripts/test runs apart from the rest, in two test processes of its own (each with its own Azurite
/// and sandbox): Minute with Browser, Package with Outage, so their length no longer adds to the run's. The end-to-end
/// tests mostly wait (on the listener, the sandbox, Azurite) in many short steps, so a second process finds the CPU
/// idle; but each process slows the others (a third one, of the fault and recovery tests, made CI's test step longer:
/// 174 s against 162), so the long tests share two; docs/performance.md has the measurements.
/// </summary>
internal static class TestCategories
{
    /// <summary>A test that must outlast a clock minute (a per-minute limit, spent) and spends it mostly waiting.</summary>
    public const string Minute = "Minute";

    /// <summary>The package test: its publish is a minute of CPU while the rest mostly waits.</summary>
    public const string Package = "Package";

    /// <summary>The plugin bundle in Chromium: a browser's start and two pages, about 16 s.</summary>
    public const string Browser = "Browser";

    /// <summary>A storage outage waited out (its own Azurite stopped and started again), about 11 s.</summary>
    public const string Outage = "Outage";
}
