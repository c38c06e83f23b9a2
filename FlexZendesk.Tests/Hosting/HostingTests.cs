using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Tests.Hosting;

public sealed class HostingTests
{
    // Ports that refuse connections while this class runs: storage "down".
    private static readonly RefusingPort DeadQueue = new(), DeadBlob = new();

    private static readonly string DeadStorage =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=ZGVhZA==;" +
        $"QueueEndpoint=http://127.0.0.1:{DeadQueue.Port}/devstoreaccount1;BlobEndpoint=http://127.0.0.1:{DeadBlob.Port}/devstoreaccount1;";

    [Test]
    public async Task AnswersTheHostReadinessProbe()
    {
        await using var app = new FunctionsApp();
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task HealthReportsVersionAndReachableStorage()
    {
        await using var app = new FunctionsApp();
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(() =>
        {
            Assert.That(health.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            Assert.That(health.GetProperty("storage").GetString(), Is.EqualTo("reachable"));
            Assert.That(health.GetProperty("version").GetString(), Does.StartWith("0.1.0"));
            Assert.That(health.GetProperty("queue").GetString(), Is.EqualTo(app.QueueName));
        });
    }

    [Test]
    public async Task HealthIs503WhenStorageIsDown()
    {
        await using var app = new FunctionsApp(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = DeadStorage });
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(health.GetProperty("storage").GetString(), Is.EqualTo("unreachable"));
    }

    [Test]
    public async Task CallbackIs503WithRetryAfterWhenTheQueueIsUnavailable()
    {
        await using var app = new FunctionsApp(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = DeadStorage });
        using var client = app.CreateClient();
        using var response = await client.SendAsync(app.Signer.Form("/api/taskrouter/events", TaskRouterSamples.Event("task.created")));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(problem.GetRawText(), Does.Not.Contain("AccountKey").And.Not.Contain("ZGVhZA==").And.Not.Contain("127.0.0.1"));
    }

    [TestCase("Twilio:AuthToken", "")]
    [TestCase("Twilio:AccountSid", "not-a-sid")]
    [TestCase("Twilio:WebhookBaseUrl", "flex.example.test/no-scheme")]
    [TestCase("Queues:EventsQueue", "Bad_Queue")]
    [TestCase("Ingress:MaxBodyBytes", "10")]
    public void BadSettingStopsStartWithAMessageNamingTheKey(string key, string value)
    {
        var error = Assert.Catch(() => new FunctionsApp(new Dictionary<string, string?> { [key] = value }).Dispose());
        var validation = error as OptionsValidationException ?? error?.InnerException as OptionsValidationException;
        Assert.That(validation, Is.Not.Null, error?.ToString());
        Assert.That(validation!.Message, Does.Contain(key));
    }

    [Test]
    public void InvalidStorageConnectionStringIsNamedButNotEchoed()
    {
        const string secretish = "AccountName=x;AccountKey=c2VjcmV0LXN0b3JhZ2Uta2V5;Bogus";
        var error = Assert.Catch(() => new FunctionsApp(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = secretish }).Dispose());
        var message = error!.ToString();
        Assert.That(message, Does.Contain("AzureWebJobsStorage"));
        Assert.That(message, Does.Not.Contain("c2VjcmV0LXN0b3JhZ2Uta2V5"));
    }

    [Test]
    public async Task ListensOnTheCustomHandlerPortOnLoopback()
    {
        var port = FreePorts.Take(1)[0];
        var start = HandlerProcess.StartInfo(Path.Combine(AppContext.BaseDirectory, "FlexZendesk.Functions"), port, AppContext.BaseDirectory);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            HttpResponseMessage? ready = null;
            // The host polls GET / every 25 ms; do the same.
            while (ready is null && clock.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                try
                {
                    ready = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(25);
                }
            }

            Assert.That(ready?.StatusCode, Is.EqualTo(HttpStatusCode.OK), "no answer on the custom handler port");
            TestContext.Progress.WriteLine($"custom handler ready after {clock.ElapsedMilliseconds} ms (JIT, debug build)");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
