namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// The categories scripts/test runs each in a test process of its own, alongside the rest (each process has its own
/// Azurite and sandbox): long tests that mostly wait, and would otherwise add their whole length to a run. (A test that
/// is long for its CPU gains nothing there: on two cores the rest of the run needs that CPU too. Measured with the
/// package publish: 2 m 7 s alongside against 1 m 59 s in line.)
/// </summary>
internal static class TestCategories
{
    /// <summary>A test that must outlast a clock minute (a per-minute limit, spent) and spends it mostly waiting.</summary>
    public const string Minute = "Minute";
}
