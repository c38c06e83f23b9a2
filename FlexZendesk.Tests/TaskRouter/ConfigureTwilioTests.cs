using FlexZendesk.Core.Events;
using FlexZendesk.Functions.Webhooks;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.TaskRouter;

/// <summary>scripts/configure-twilio against the sandbox's TaskRouter workspace endpoint, as it runs against Twilio.</summary>
public sealed class ConfigureTwilioTests
{
    private const string Workspace = "WS0123456789abcdef0123456789abcdef";

    private static Dictionary<string, string> Credentials(string token) => new()
    {
        ["TWILIO_ACCOUNT_SID"] = FunctionsApp.AccountSid,
        ["TWILIO_AUTH_TOKEN"] = token,
        ["TWILIO_API_BASE_URL"] = Remote.BaseUrl,
    };

    [SetUp]
    public Task Reset() => Remote.ResetAsync();

    [Test]
    public async Task SetsTheEventCallbackWithTheRetryOverrideAndOnlyEventsTheAppEnqueues()
    {
        var (exitCode, output) = await Scripts.RunAsync("configure-twilio", ["https://flexzendesk-contoso.azurewebsites.net/", Workspace], TimeSpan.FromMinutes(1), Credentials(FunctionsApp.AuthToken));
        Assert.That(exitCode, Is.Zero, output);

        var workspace = (await Remote.StateAsync()).GetProperty("workspaces").GetProperty(Workspace);
        var filter = workspace.GetProperty("EventsFilter").GetString()!.Split(',');
        var enqueued = new EventTypeFilter(new IngressOptions().EventTypes);
        Assert.Multiple(() =>
        {
            Assert.That(workspace.GetProperty("EventCallbackUrl").GetString(), Is.EqualTo("https://flexzendesk-contoso.azurewebsites.net/api/taskrouter/events#rc=3&rp=all"));
            Assert.That(filter, Does.Contain("task.created").And.Contain("reservation.accepted").And.Contain("task.completed").And.Not.Contain("task.updated"));
            Assert.That(filter.Where(e => !enqueued.Allows(e)), Is.Empty, "every filtered event is one the app enqueues");
            Assert.That(output, Does.Contain("event_callback_url=https://flexzendesk-contoso.azurewebsites.net/api/taskrouter/events#rc=3&rp=all"));
        });
    }

    [Test]
    public async Task WrongCredentialsFailWithTwiliosAnswerAndNeverEchoTheToken()
    {
        const string wrong = "wrong-token-that-must-not-be-printed";
        var (exitCode, output) = await Scripts.RunAsync("configure-twilio", ["https://app.example.test", Workspace], TimeSpan.FromMinutes(1), Credentials(wrong));

        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output, Does.Contain("HTTP 401").And.Not.Contain(wrong));
        Assert.That((await Remote.StateAsync()).GetProperty("workspaces").EnumerateObject(), Is.Empty);
    }
}
