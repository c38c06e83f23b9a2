namespace FlexZendesk.Tests.Infrastructure;

/// <summary>One app with the listener on per fixture; the sandbox is reset before each test.</summary>
public abstract class ScenarioFixture
{
    private protected FlexScenario Scenario { get; private set; } = null!;

    /// <summary>Settings of the fixture's app beyond the scenario's own.</summary>
    private protected virtual IDictionary<string, string?>? Settings => null;

    [OneTimeSetUp]
    public void StartScenario() => Scenario = new FlexScenario(Settings);

    [OneTimeTearDown]
    public async Task StopScenario() => await Scenario.DisposeAsync();

    [SetUp]
    public Task ResetSandbox() => FlexScenario.Remote.ResetAsync();
}
