namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// One app with the listener on per fixture, its settings the fixture's parameter; the sandbox is reset before each
/// test. Not shared across fixtures as listener-off apps are (<see cref="SharedApps"/>): a listener keeps working on
/// what a fixture left on its queue (a backed-off retry, say), and its Zendesk calls would land in a later fixture's
/// sandbox state.
/// </summary>
public abstract class ScenarioFixture
{
    private protected FlexScenario Scenario { get; private set; } = null!;

    /// <summary>Settings of the fixture's app beyond the scenario's own: the fixture's parameter.</summary>
    private protected virtual IDictionary<string, string?>? Settings => null;

    [OneTimeSetUp]
    public void StartScenario() => Scenario = new FlexScenario(Settings);

    [OneTimeTearDown]
    public async Task StopScenario() => await Scenario.DisposeAsync();

    [SetUp]
    public Task ResetSandbox() => FlexScenario.Remote.ResetAsync();
}
