namespace FlexZendesk.Tests.Infrastructure;

/// <summary>One app with the listener on per fixture; the sandbox is reset before each test.</summary>
public abstract class ScenarioFixture
{
    private protected FlexScenario Scenario { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartScenario() => Scenario = new FlexScenario();

    [OneTimeTearDown]
    public async Task StopScenario() => await Scenario.DisposeAsync();

    [SetUp]
    public Task ResetSandbox() => FlexScenario.Remote.ResetAsync();
}
