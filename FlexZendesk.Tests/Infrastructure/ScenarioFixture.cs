namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// An app with the listener on, shared by every fixture of the same settings (<see cref="SharedApps"/>); the sandbox
/// is reset before each test.
/// </summary>
public abstract class ScenarioFixture
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Structure", "NUnit1032", Justification = "SharedApps owns the app and stops it at the end of the run.")]
    private protected FlexScenario Scenario { get; private set; } = null!;

    /// <summary>Settings of the fixture's app beyond the scenario's own: the fixture's parameter.</summary>
    private protected virtual IDictionary<string, string?>? Settings => null;

    [OneTimeSetUp]
    public void StartScenario() => Scenario = SharedApps.Scenario(Settings);

    [SetUp]
    public Task ResetSandbox() => FlexScenario.Remote.ResetAsync();
}
