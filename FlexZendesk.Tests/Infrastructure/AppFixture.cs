namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// An app with the listener off, shared by every fixture of the same settings (<see cref="SharedApps"/>); its queue
/// is emptied before each test.
/// </summary>
public abstract class AppFixture
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Structure", "NUnit1032", Justification = "SharedApps owns the app and stops it at the end of the run.")]
    private protected FunctionsApp App { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    /// <summary>Settings of the fixture's app beyond the tier's defaults: the fixture's parameter.</summary>
    private protected virtual IDictionary<string, string?>? Settings => null;

    [OneTimeSetUp]
    public void StartApp()
    {
        App = SharedApps.App(Settings);
        Client = App.CreateClient();
    }

    [OneTimeTearDown]
    public void DisposeClient() => Client.Dispose();

    [SetUp]
    public async Task EmptyQueue() => await App.Queue.DeleteIfExistsAsync();
}
