namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// The apps fixtures share, one per distinct set of settings: started when the first fixture asks with those
/// settings, stopped at the end of the run (<see cref="TestEnvironment"/>). A fixture's settings are its parameter
/// (<see cref="AppFixture"/>, <see cref="ScenarioFixture.Settings"/>); fixtures that ask with equal settings get the
/// same app. Each app has its own queue and ledger tables, and tests use task SIDs of their own, so what one fixture
/// leaves does not reach another's assertions. A test that needs a fresh app, captured logs, extra services or a
/// stop in the middle starts its own.
/// </summary>
internal static class SharedApps
{
    private static readonly Dictionary<string, FunctionsApp> Apps = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, FlexScenario> Scenarios = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>An app with the listener off (the tier's default): ingress only.</summary>
    public static FunctionsApp App(IDictionary<string, string?>? settings = null) => Shared(Apps, settings, () => new FunctionsApp(settings));

    /// <summary>An app with the listener on, driven like production (<see cref="FlexScenario"/>).</summary>
    public static FlexScenario Scenario(IDictionary<string, string?>? settings = null) => Shared(Scenarios, settings, () => new FlexScenario(settings));

    public static async Task StopAllAsync()
    {
        List<IAsyncDisposable> all;
        lock (Gate)
        {
            all = [.. Apps.Values, .. Scenarios.Values];
            Apps.Clear();
            Scenarios.Clear();
        }

        foreach (var app in all)
        {
            await app.DisposeAsync();
        }
    }

    private static T Shared<T>(Dictionary<string, T> started, IDictionary<string, string?>? settings, Func<T> start)
    {
        lock (Gate)
        {
            var key = Key(settings);
            if (!started.TryGetValue(key, out var app))
            {
                app = start();
                started[key] = app;
            }

            return app;
        }
    }

    private static string Key(IDictionary<string, string?>? settings) =>
        string.Join('\n', (settings ?? new Dictionary<string, string?>()).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));
}
