using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Queues;
using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>POST /ProcessFlexEvent as the Functions host calls it.</summary>
public sealed class HostInvocationTests : AppFixture
{
    [SetUp]
    public Task ResetSandbox() => Remote.ResetAsync();

    private static string Envelope(string taskSid, string eventType = "task.completed") =>
        Encoding.UTF8.GetString(EventQueueWriter.Serialize(EnvelopeFactory.Create(
            EventSources.TaskRouter,
            TaskRouterSamples.Event(eventType, "EV" + Guid.NewGuid().ToString("N"), Attributes(new { from = "+14155550400" }))
                .Select(f => f.Key == "TaskSid" ? new KeyValuePair<string, string>("TaskSid", taskSid) : f).ToList(),
            "raw",
            DateTimeOffset.UtcNow,
            null)));

    [Test]
    public async Task AcceptsTheRealHostsDoubleEncodedPayload()
    {
        var taskSid = NewTaskSid();
        var doubled = JsonSerializer.Serialize(JsonSerializer.Serialize(Envelope(taskSid)));
        var body = """{"Data":{"msg":""" + doubled + """},"Metadata":{"DequeueCount":"\"1\"","Id":"\"5f1c-id\"","PopReceipt":"\"AgAAAA==\"","InsertionTime":"2022-06-20T06:00:06+00:00","sys":{"MethodName":"ProcessFlexEvent","UtcNow":"2022-06-20T06:00:07Z","RandGuid":"x"}}}""";
        using var response = await Client.PostAsync(new Uri("/ProcessFlexEvent", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>();
        var logs = reply.GetProperty("Logs").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.That(logs, Has.Some.StartsWith("Information TicketResolver: Created Zendesk ticket"), "the app's log lines of the invocation go to the host");
        Assert.That(logs, Has.Some.StartsWith("Information FlexMessageHandler: Processed task.completed"));
        Assert.That(reply.TryGetProperty("Outputs", out _), Is.True);
        Assert.That(NotesFor(await TicketForAsync(taskSid), taskSid, "completed"), Is.EqualTo(1));
    }

    [Test]
    public async Task AcceptsTheDocumentedPayload()
    {
        var taskSid = NewTaskSid();
        var body = $$$"""{"Data":{"msg":{{{JsonSerializer.Serialize(Envelope(taskSid))}}}},"Metadata":{"DequeueCount":1,"Id":"abc"}}""";
        using var response = await Client.PostAsync(new Uri("/ProcessFlexEvent", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await TicketsAsync(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RetryableFailureFailsTheInvocation()
    {
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "status", status = 503 });
        var body = $$$"""{"Data":{"msg":{{{JsonSerializer.Serialize(Envelope(NewTaskSid()))}}}},"Metadata":{"DequeueCount":"1"}}""";
        using var response = await Client.PostAsync(new Uri("/ProcessFlexEvent", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.That((int)response.StatusCode, Is.GreaterThanOrEqualTo(500), "non-2xx: the host redelivers, then poisons");
        var logs = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("Logs").EnumerateArray().Select(l => l.GetString());
        Assert.That(logs, Has.Some.StartsWith("Warning FlexMessageHandler: Will retry task.completed"));
    }

    [Test]
    public async Task MessageThatIsNotAnEnvelopeGoesToThePoisonQueue()
    {
        using var response = await Client.PostAsync(new Uri("/ProcessFlexEvent", UriKind.Relative),
            new StringContent("""{"Data":{"msg":"\"hello\""},"Metadata":{"DequeueCount":"1","Id":"m1"}}""", Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var poisoned = JsonDocument.Parse((await App.PoisonQueue.PeekMessagesAsync()).Value.Single().Body.ToString()).RootElement;
        Assert.That(poisoned.GetProperty("raw").GetString(), Is.EqualTo("hello"));
        Assert.That(poisoned.GetProperty("lastError").GetString(), Does.Contain("not an event envelope"));
    }

    [TestCase("not json")]
    [TestCase("""{"Metadata":{}}""")]
    public async Task InvocationWithoutAMessageIs400(string body)
    {
        using var response = await Client.PostAsync(new Uri("/ProcessFlexEvent", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
