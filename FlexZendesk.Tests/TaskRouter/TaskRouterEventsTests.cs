using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using FlexZendesk.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlexZendesk.Tests.TaskRouter;

public sealed class TaskRouterEventsTests : AppFixture
{
    private const string Path = "/api/taskrouter/events";
    [Test]
    public async Task SignedCallbackLandsOnTheQueueAsADecodableEnvelope()
    {
        var fields = TaskRouterSamples.Event("reservation.accepted");
        using var response = await Client.SendAsync(App.Signer.Form(Path, fields));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        });
        var envelope = (await App.PeekEnvelopesAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(envelope.Id, Is.EqualTo("EV0123456789abcdef0123456789abcdef"));
            Assert.That(envelope.Source, Is.EqualTo("taskrouter"));
            Assert.That(envelope.EventType, Is.EqualTo("reservation.accepted"));
            Assert.That(envelope.TaskSid, Is.EqualTo(TaskRouterSamples.TaskSid));
            Assert.That(envelope.Fields["TaskQueueName"], Is.EqualTo("Everyone"));
            Assert.That(envelope.Fields.ContainsKey("TaskAttributes"), Is.False, "parsed attributes are not duplicated as text");
            Assert.That(envelope.TaskAttributes?.GetProperty("zdCustomTags").GetString(), Is.EqualTo("[vip billing]"));
            Assert.That(envelope.TaskAttributesError, Is.Null);
            Assert.That(envelope.Raw, Does.Contain("EventType=reservation.accepted"));
            Assert.That(envelope.ReceivedAt, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
        });
    }

    [Test]
    public async Task AnEnqueuedCallbackWakesThisProcesssListener()
    {
        var signal = App.Services.GetRequiredService<Core.Queues.EnqueueSignal>();
        var next = signal.Next;
        using var response = await Client.SendAsync(App.Signer.Form(Path, TaskRouterSamples.Event("reservation.accepted")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(next.IsCompleted, Is.True, "the enqueue signalled before the 204");
    }

    [Test]
    public async Task MessagesAreBase64AsHostJsonExpects()
    {
        using var response = await Client.SendAsync(App.Signer.Form(Path, TaskRouterSamples.Event("task.created")));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        var plain = new QueueClient(TestEnvironment.StorageConnectionString, App.QueueName);
        var message = (await plain.PeekMessagesAsync()).Value.Single();
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString()));
        using var document = JsonDocument.Parse(json);
        Assert.That(document.RootElement.GetProperty("eventType").GetString(), Is.EqualTo("task.created"));

        var hostJson = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(RepoPaths.Root, "host.json")));
        Assert.That(hostJson.RootElement.GetProperty("extensions").GetProperty("queues").GetProperty("messageEncoding").GetString(), Is.EqualTo("base64"));
    }

    [Test]
    public async Task DuplicateDeliveriesCarryTheSameEnvelopeId()
    {
        var fields = TaskRouterSamples.Event("task.completed");
        for (var i = 0; i < 3; i++)
        {
            using var request = App.Signer.Form(Path, fields);
            request.Headers.Add("I-Twilio-Idempotency-Token", "token-1");
            using var response = await Client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        var envelopes = await App.PeekEnvelopesAsync();
        Assert.That(envelopes, Has.Count.EqualTo(3));
        Assert.That(envelopes.Select(e => e.Id).Distinct().Single(), Is.EqualTo("EV0123456789abcdef0123456789abcdef"));
        Assert.That(envelopes.Select(e => e.IdempotencyToken), Is.All.EqualTo("token-1"));
    }

    [Test]
    public async Task EventWithoutSidGetsAStableHashId()
    {
        var fields = TaskRouterSamples.Event("task.created").Where(f => f.Key != "Sid").ToList();
        using (var first = await Client.SendAsync(App.Signer.Form(Path, fields))) { }
        using (var again = await Client.SendAsync(App.Signer.Form(Path, fields))) { }
        var other = fields.Select(f => f.Key == "TaskAge" ? new KeyValuePair<string, string>("TaskAge", "13") : f).ToList();
        using (var different = await Client.SendAsync(App.Signer.Form(Path, other))) { }

        var ids = (await App.PeekEnvelopesAsync()).Select(e => e.Id).ToList();
        Assert.That(ids, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(ids[0], Does.StartWith("sha256:"));
            Assert.That(ids[1], Is.EqualTo(ids[0]));
            Assert.That(ids[2], Is.Not.EqualTo(ids[0]));
        });
    }

    [Test]
    public async Task TamperedCallbackIs403AndNothingIsQueued()
    {
        var fields = TaskRouterSamples.Event("task.created");
        var signature = App.Signer.Sign(Path, fields);
        var tampered = fields.Select(f => f.Key == "TaskAge" ? new KeyValuePair<string, string>("TaskAge", "99") : f).ToList();

        using var response = await Client.SendAsync(App.Signer.Form(Path, tampered, signature));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Does.Not.Contain(signature).And.Not.Contain(FunctionsApp.AuthToken));
        Assert.That(await App.PeekEnvelopesAsync(), Is.Empty);
    }

    [Test]
    public async Task MissingSignatureIs403()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new FormUrlEncodedContent(TaskRouterSamples.Event("task.created")) };
        using var response = await Client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.That(await App.PeekEnvelopesAsync(), Is.Empty);
    }

    [Test]
    public async Task SignatureOverTheInternalUrlIsRejected()
    {
        var fields = TaskRouterSamples.Event("task.created");
        var internalUrl = new TwilioSigner(FunctionsApp.AuthToken, Client.BaseAddress!.ToString().TrimEnd('/'));
        using var response = await Client.SendAsync(internalUrl.Form(Path, fields));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task SignatureWithTheWrongTokenIsRejected()
    {
        var forger = new TwilioSigner("some-other-token", FunctionsApp.PublicBaseUrl);
        using var response = await Client.SendAsync(forger.Form(Path, TaskRouterSamples.Event("task.created")));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task QueryStringIsPartOfTheSignedUrl()
    {
        var fields = TaskRouterSamples.Event("task.created");
        using var signedWithQuery = await Client.SendAsync(App.Signer.Form(Path + "?code=abc", fields));
        Assert.That(signedWithQuery.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        var signatureWithoutQuery = App.Signer.Sign(Path, fields);
        using var replayedWithQuery = await Client.SendAsync(App.Signer.Form(Path + "?code=abc", fields, signatureWithoutQuery));
        await ProblemAssert.IsProblemAsync(replayedWithQuery, HttpStatusCode.Forbidden);
    }

    [TestCase("task.updated")]
    [TestCase("worker.activity.update")]
    [TestCase("reservation.created")]
    public async Task UnhandledEventTypesAre204AndNotQueued(string eventType)
    {
        using var response = await Client.SendAsync(App.Signer.Form(Path, TaskRouterSamples.Event(eventType)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await App.PeekEnvelopesAsync(), Is.Empty);
    }

    [TestCase("task.created")]
    [TestCase("reservation.accepted")]
    [TestCase("reservation.wrapup")]
    [TestCase("task.wrapup")]
    [TestCase("task.completed")]
    [TestCase("task.canceled")]
    [TestCase("task.transfer-initiated")]
    [TestCase("task.transfer-failed")]
    public async Task DefaultAllowListIsQueued(string eventType)
    {
        using var response = await Client.SendAsync(App.Signer.Form(Path, TaskRouterSamples.Event(eventType)));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await App.PeekEnvelopesAsync()).Single().EventType, Is.EqualTo(eventType));
    }

    [Test]
    public async Task EventsFromAnotherWorkspaceAreAcknowledgedAndNotQueued()
    {
        var fields = TaskRouterSamples.Event("task.created", workspaceSid: "WSffffffffffffffffffffffffffffffff");
        using var response = await Client.SendAsync(App.Signer.Form(Path, fields));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await App.PeekEnvelopesAsync(), Is.Empty);
    }

    [Test]
    public async Task InvalidTaskAttributesAreKeptRawAndFlagged()
    {
        var fields = TaskRouterSamples.Event("task.created", attributes: "{\"from\": \"+1415555\", oops");
        using var response = await Client.SendAsync(App.Signer.Form(Path, fields));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var envelope = (await App.PeekEnvelopesAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(envelope.TaskAttributes, Is.Null);
            Assert.That(envelope.TaskAttributesError, Does.StartWith("TaskAttributes is not valid JSON"));
            Assert.That(envelope.Fields["TaskAttributes"], Is.EqualTo("{\"from\": \"+1415555\", oops"));
        });
    }

    [Test]
    public async Task OversizeBodyIs413AndNothingIsQueued()
    {
        var fields = TaskRouterSamples.Event("task.created", attributes: $"{{\"blob\":\"{new string('x', 70_000)}\"}}");
        using var response = await Client.SendAsync(App.Signer.Form(Path, fields));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.That(await App.PeekEnvelopesAsync(), Is.Empty);
    }

    [Test]
    public async Task OversizeChunkedBodyIs413()
    {
        var body = "EventType=task.created&TaskAttributes=" + new string('x', 70_000);
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("X-Twilio-Signature", "irrelevant");
        using var response = await Client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task LargeButAllowedBodyGoesThroughABlobPointer()
    {
        // ~60 KB of attributes: under the 64 KiB body limit, over a 48 KiB queue message.
        var attributes = $"{{\"notes\":\"{new string('n', 60_000)}\",\"from\":\"+14155550100\"}}";
        using var response = await Client.SendAsync(App.Signer.Form(Path, TaskRouterSamples.Event("task.created", attributes: attributes)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var pointer = (await App.PeekEnvelopesAsync()).Single();
        Assert.That(pointer.PayloadBlob, Is.Not.Null);
        Assert.That(pointer.Id, Is.EqualTo("EV0123456789abcdef0123456789abcdef"));

        var reader = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Core.Queues.PayloadStore>(App.Services);
        var full = await reader.ResolveAsync(pointer, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(full.TaskAttributes?.GetProperty("notes").GetString(), Has.Length.EqualTo(60_000));
            Assert.That(full.RawOmitted, Is.True);
            Assert.That(full.Fields["TaskQueueName"], Is.EqualTo("Everyone"));
        });
    }

    [Test]
    public async Task InvalidUtf8FormIs400()
    {
        var body = Encoding.ASCII.GetBytes("EventType=task.created&WorkerName=").Concat(new byte[] { 0xC3, 0x28 }).ToArray();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = content };
        request.Headers.Add("X-Twilio-Signature", "irrelevant");
        using var response = await Client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task SignedCallbackWithoutEventTypeIs400()
    {
        var fields = TaskRouterSamples.Event("task.created").Where(f => f.Key != "EventType").ToList();
        using var response = await Client.SendAsync(App.Signer.Form(Path, fields));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("EventType"));
        Assert.That(await App.PeekEnvelopesAsync(), Is.Empty);
    }

    [Test]
    public async Task UnsupportedContentTypeIs415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent("<xml/>", Encoding.UTF8, "text/xml") };
        request.Headers.Add("X-Twilio-Signature", "irrelevant");
        using var response = await Client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }
}
