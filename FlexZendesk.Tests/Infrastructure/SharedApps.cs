namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// The apps with the listener off that fixtures share, one per distinct set of settings: started when the first
/// fixture or test asks with those settings, stopped at the end of the run (<see cref="TestEnvironment"/>): the
/// settings are the parameter, and whoever asks with equal settings gets the same app. Each app has its own queue and ledger tables and works only while a test calls it, so what one fixture leaves
/// does not reach another's assertions. Apps with the listener on are not shared (<see cref="ScenarioFixture"/>). A
/// test that needs a fresh app, captured logs, extra services or a stop in the middle starts its own.
/// </summary>
internal static class SharedApps
{
    private static readonly Dictionary<string, FunctionsApp> Apps = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();

    /// <summary>An app with the listener off (the tier's default): what a test calls, nothing in the background.</summary>
    public static FunctionsApp App(IDictionary<string, string?>? settings = null)
    {
        if (settings is not null && settings.TryGetValue("Queues:Listen", out var listen) && listen == "true")
        {
            throw new ArgumentException("an app with the listener on is not shared: start a FlexScenario", nameof(settings));
        }

        lock (Gate)
        {
            var key = Key(settings);
            if (!Apps.TryGetValue(key, out var app))
            {
                app = new FunctionsApp(settings);
                Apps[key] = app;
            }

            return app;
        }
    }

    public static async Task StopAllAsync()
    {
        List<FunctionsApp> all;
        lock (Gate)
        {
            all = [.. Apps.Values];
            Apps.Clear();
        }

        foreach (var app in all)
        {
            await app.DisposeAsync();
        }
    }

    private static string Key(IDictionary<string, string?>? settings) =>
        string.Join('\n', (settings ?? new Dictionary<string, string?>()).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));
}
