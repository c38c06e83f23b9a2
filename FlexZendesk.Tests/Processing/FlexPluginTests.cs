using System.Net;
using System.Net.Http.Json;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>POST /api/flex/tasks/selected: the "selected" stage a Flex UI plugin reports.</summary>
public sealed class FlexPluginTests
{
    private const string PluginKey = "test-plugin-key-not-real";
    private const string Path = "/api/flex/tasks/selected";

    [SetUp]
    public Task Reset() => Remote.ResetAsync();

    [Test]
    public async Task SelectedTaskGetsItsStageNote()
    {
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { ["Flex:PluginKey"] = PluginKey, ["Notes:Stages"] = "selected,completed" });
        using var client = scenario.App.CreateClient();
        var taskSid = NewTaskSid();
        await SeedTaskAsync(taskSid, Attributes(new { from = "+14155550700" }));

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Path)
            {
                Content = JsonContent.Create(new { taskSid, workspaceSid = FunctionsApp.WorkspaceSid, attributes = new { from = "+14155550700" }, channel = "voice", workerName = "Bob" }),
            };
            request.Headers.Add("x-functions-key", PluginKey);
            using var response = await client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }

        await scenario.DrainAsync();
        var ticket = await TicketForAsync(taskSid);
        Assert.That(NotesFor(ticket, taskSid, "selected"), Is.EqualTo(1));
        Assert.That(Comments(ticket), Has.Some.Contains("Worker: Bob"));
    }

    [TestCase(null)]
    [TestCase("wrong-key")]
    public async Task WithoutTheKeyIs403(string? key)
    {
        await using var app = new FunctionsApp(new Dictionary<string, string?> { ["Flex:PluginKey"] = PluginKey });
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(new { taskSid = NewTaskSid() }) };
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        using var response = await client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(await app.PeekEnvelopesAsync(), Is.Empty);
    }

    [Test]
    public async Task EndpointIsOffWithoutAConfiguredKey()
    {
        await using var app = new FunctionsApp();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(new { taskSid = NewTaskSid() }) };
        request.Headers.Add("x-functions-key", "");
        using var response = await client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task MissingTaskSidIs400()
    {
        await using var app = new FunctionsApp(new Dictionary<string, string?> { ["Flex:PluginKey"] = PluginKey });
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = JsonContent.Create(new { taskSid = "nope" }) };
        request.Headers.Add("x-functions-key", PluginKey);
        using var response = await client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
