using System.Diagnostics;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Browser;

/// <summary>
/// The built plugin bundle in a real browser (Debian's Chromium, headless, driven by playwright-core): a page on a
/// Flex-like origin loads it into the smallest stand-in for the Flex UI, the agent selects a task, and the note lands in
/// the sandbox through the real app; the same page from an origin the app does not allow is refused by the browser.
/// </summary>
[Category(TestCategories.Browser)]
public sealed class PluginInBrowserTests
{
    private static string Chromium => Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium";

    [Test]
    public async Task TheBundleReportsASelectFromFlexsOriginAndTheBrowserRefusesAnother()
    {
        Assert.That(File.Exists(FlexPage.Bundle), Is.True, "the plugin bundle is built (scripts/build-plugin; scripts/test builds it)");
        Assert.That(File.Exists(Chromium), Is.True, $"Chromium at {Chromium} (scripts/test installs Debian's chromium)");
        await Remote.ResetAsync();
        await using var flexOrigin = await FlexPage.StartAsync();
        await using var otherOrigin = await FlexPage.StartAsync();
        await using var scenario = new FlexScenario(new Dictionary<string, string?>
        {
            ["Notes:Stages"] = "accepted,selected,completed",
            ["Flex:AllowedOrigins"] = flexOrigin.Origin,
        });
        var worker = "WK" + Guid.NewGuid().ToString("N");
        var email = $"{worker}@example.test";
        await Remote.PostControlAsync("/_sandbox/users", new { name = "Alice", email, role = "agent", online = true });
        var taskSid = NewTaskSid();
        var json = Attributes(new { from = "+14155550888", channelType = "voice" });
        await SeedTaskAsync(taskSid, json);
        await scenario.SendForWorkerAsync("reservation.accepted", taskSid, json, worker, "Alice", new { email });
        await scenario.DrainAsync();
        var token = (await Remote.PostControlAsync("/_sandbox/flex-tokens", new { worker_sid = worker, realm_user_id = email })).GetProperty("token").GetString()!;
        foreach (var page in new[] { flexOrigin, otherOrigin })
        {
            (page.AppUrl, page.Token) = (scenario.App.BaseAddress.ToString().TrimEnd('/'), token);
        }

        var allowed = await SelectInBrowserAsync(flexOrigin, taskSid);
        await scenario.DrainAsync();
        var refused = await SelectInBrowserAsync(otherOrigin, taskSid);
        await scenario.DrainAsync();

        var ticket = await TicketForAsync(taskSid);
        var pops = (await Remote.StateAsync()).GetProperty("pops").GetArrayLength();
        Assert.Multiple(() =>
        {
            Assert.That(allowed, Is.EqualTo(new[] { "202" }), "from Flex's origin the call goes through");
            Assert.That(NotesFor(ticket, taskSid, $"selected_{worker}"), Is.EqualTo(1), "the select's note landed");
            Assert.That(refused.Single(), Does.StartWith("error: "), "from another origin the browser refuses the answer (no CORS header)");
            Assert.That(pops, Is.EqualTo(2), "the accept's pop and the allowed select's: the refused origin's preflight got no CORS header, so its browser never sent the POST");
        });
    }

    /// <summary>Opens the page in headless Chromium, selects the task there, and returns what each plugin call got.</summary>
    private static async Task<string[]> SelectInBrowserAsync(FlexPage page, string taskSid)
    {
        var start = new ProcessStartInfo("node", [Path.Combine("browser-test", "select.mjs"), page.Origin + "/", taskSid])
        {
            WorkingDirectory = Path.Combine(RepoPaths.Root, "flex-plugin"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["CHROMIUM_PATH"] = Chromium;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.That(process.ExitCode, Is.Zero, $"the browser run failed: {await error}");
        var answer = JsonDocument.Parse(await output).RootElement;
        TestContext.Progress.WriteLine($"{page.Origin}: {answer}");
        return [.. answer.GetProperty("results").EnumerateArray().Select(r => r.ToString())];
    }
}
