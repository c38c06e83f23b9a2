namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// The plain app with the listener off, shared with every other fixture and test that asks for it
/// (<see cref="SharedApps"/>); its queue is emptied before each test.
/// </summary>
public abstract class AppFixture
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Structure", "NUnit1032", Justification = "SharedApps owns the app and stops it at the end of the run.")]
    private protected FunctionsApp App { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        App = SharedApps.App();
        Client = App.CreateClient();
    }

    [OneTimeTearDown]
    public void DisposeClient() => Client.Dispose();

    [SetUp]
    public async Task EmptyQueue() => await App.Queue.DeleteIfExistsAsync();
}
