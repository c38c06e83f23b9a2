namespace FlexZendesk.Tests.Infrastructure;

/// <summary>One app per fixture (starting Kestrel is the slow part); the queue is emptied before each test.</summary>
public abstract class AppFixture
{
    private protected FunctionsApp App { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        App = new FunctionsApp();
        Client = App.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        Client.Dispose();
        await App.DisposeAsync();
    }

    [SetUp]
    public async Task EmptyQueue() => await App.Queue.DeleteIfExistsAsync();
}
