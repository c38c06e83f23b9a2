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

    private const string AdminKey = FunctionsApp.AdminKey;

    /// <summary>One app, shared by the tests of storage down, whose storage refuses every connection.</summary>
    private static FunctionsApp StorageDown => SharedApps.App(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = DeadStorage, ["Admin:Key"] = AdminKey });

    [Test]
    public async Task AnswersTheReadinessProbe()
    {
        var app = SharedApps.App();
        using var client = app.CreateClient();
        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task HealthReportsVersionAndReachableStorage()
    {
        var app = SharedApps.App();
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
        using var client = StorageDown.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        var health = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(health.GetProperty("storage").GetString(), Is.EqualTo("unreachable"));
    }

    [Test]
    public async Task CallbackIs503WithRetryAfterWhenTheQueueIsUnavailable()
    {
        var app = StorageDown;
        using var client = app.CreateClient();
        using var response = await client.SendAsync(app.Signer.Form("/api/taskrouter/events", TaskRouterSamples.Event("task.created")));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(problem.GetRawText(), Does.Not.Contain("AccountKey").And.Not.Contain("ZGVhZA==").And.Not.Contain("127.0.0.1"));
    }

    [Test]
    public async Task PoisonReplayIs503WithRetryAfterWhenStorageIsDown()
    {
        using var client = StorageDown.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ops/poison/replay") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("x-functions-key", AdminKey);
        using var response = await client.SendAsync(request);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(problem.GetRawText(), Does.Not.Contain("AccountKey").And.Not.Contain("ZGVhZA==").And.Not.Contain("127.0.0.1"));
    }

    [TestCase("Twilio:AuthToken", "")]
    [TestCase("Twilio:AccountSid", "not-a-sid")]
    [TestCase("Twilio:WebhookBaseUrl", "flex.example.test/no-scheme")]
    [TestCase("Queues:EventsQueue", "Bad_Queue")]
    [TestCase("Ingress:MaxBodyBytes", "10")]
    [TestCase("Queues:LeaseSeconds", "2")]
    public void BadSettingStopsStartWithAMessageNamingTheKey(string key, string value)
    {
        var error = Assert.Catch(() => new FunctionsApp(new Dictionary<string, string?> { [key] = value }).Dispose());
        var validation = error as OptionsValidationException ?? error?.InnerException as OptionsValidationException;
        Assert.That(validation, Is.Not.Null, error?.ToString());
        Assert.That(validation!.Message, Does.Contain(key));
    }

    /// <summary>
    /// The no-host runner's thread pool does not spin for work (docs/performance.md: on two cores the spinning took
    /// CPU from Azurite and the load, 345 -> 225 us of app CPU per callback at c=32). It is a runtime setting, so the
    /// test reads what the build wrote next to the runner, as <c>dotnet run</c> and <c>dotnet FlexZendesk.Standalone.dll</c> load it.
    /// </summary>
    [Test]
    public void StandaloneRuntimeConfigStopsIdleThreadPoolWorkersFromSpinning()
    {
        var path = Path.Combine(Path.GetDirectoryName(typeof(FlexZendesk.Standalone.StandaloneApp).Assembly.Location)!, "FlexZendesk.Standalone.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.Multiple(() =>
        {
            Assert.That(properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32(), Is.Zero);
            Assert.That(properties.GetProperty("System.GC.Server").GetBoolean(), Is.False, "workstation GC, as before");
        });
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

    /// <summary>
    /// The start contract operators and external checks rely on: <c>dotnet run --project FlexZendesk.Standalone -c
    /// Release --no-build --no-launch-profile</c>, listening on <c>ASPNETCORE_URLS</c>, <c>GET /</c> below 500 once
    /// ready, settings from environment variables with the documented keys.
    /// </summary>
    [Test]
    public async Task StandaloneStartsAsOperatorsStartItWithEnvironmentSettings()
    {
        var queue = "flex-events-" + Guid.NewGuid().ToString("N")[..12];
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in new[] { "run", "--project", "FlexZendesk.Standalone", "-c", "Release", "--no-build", "--no-launch-profile" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["AzureWebJobsStorage"] = TestEnvironment.StorageConnectionString;
        start.Environment["Twilio__AccountSid"] = FunctionsApp.AccountSid;
        start.Environment["Twilio__AuthToken"] = FunctionsApp.AuthToken;
        start.Environment["Twilio__WorkspaceSid"] = FunctionsApp.WorkspaceSid;
        start.Environment["Twilio__WebhookBaseUrl"] = FunctionsApp.PublicBaseUrl;
        start.Environment["Twilio__ApiBaseUrl"] = TestEnvironment.Sandbox.BaseUrl;
        start.Environment["Zendesk__BaseUrl"] = TestEnvironment.Sandbox.BaseUrl;
        start.Environment["Zendesk__Email"] = SandboxServer.ZendeskEmail;
        start.Environment["Zendesk__ApiToken"] = SandboxServer.ZendeskToken;
        start.Environment["Queues__EventsQueue"] = queue;
        start.Environment["Queues__Listen"] = "false";

        using var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Split("Now listening on: ") is [_, var url])
            {
                listening.TrySetResult(new Uri(url.Trim()));
            }
        };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the app exited:\n" + output));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = address };
            using var ready = await http.GetAsync(new Uri("/", UriKind.Relative));
            var health = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/health", UriKind.Relative));
            var signer = new TwilioSigner(FunctionsApp.AuthToken, FunctionsApp.PublicBaseUrl);
            using var callback = await http.SendAsync(signer.Form("/api/taskrouter/events", TaskRouterSamples.Event("task.created")));
            var waiting = new Azure.Storage.Queues.QueueClient(TestEnvironment.StorageConnectionString, queue);
            Assert.Multiple(async () =>
            {
                Assert.That((int)ready.StatusCode, Is.LessThan(500), "GET / answers once ready");
                Assert.That(health.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
                Assert.That(health.GetProperty("queue").GetString(), Is.EqualTo(queue), "Queues__EventsQueue from the environment");
                Assert.That(callback.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "Twilio__AuthToken and Twilio__WebhookBaseUrl from the environment");
                Assert.That((await waiting.GetPropertiesAsync()).Value.ApproximateMessagesCount, Is.EqualTo(1), "Queues__Listen=false: enqueued and left for another listener");
            });
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}

/// <summary>
/// <c>AzureWebJobs.&lt;FunctionName&gt;.Disabled</c>, honoured as the Functions host does: one app with an HTTP function
/// and the queue function turned off.
/// </summary>
public sealed class DisabledFunctionTests
{
    private const string AdminKey = FunctionsApp.AdminKey;
    private readonly CapturingLoggerProvider _logs = new();
    private FunctionsApp _app = null!;

    [OneTimeSetUp]
    public void StartApp() => _app = new FunctionsApp(
        new Dictionary<string, string?>
        {
            ["AzureWebJobs.Health.Disabled"] = "true",
            // The key as the environment variable AzureWebJobs__ProcessFlexEvent__Disabled=1 arrives in configuration.
            ["AzureWebJobs:ProcessFlexEvent:Disabled"] = "1",
            ["Queues:Listen"] = "true",
            ["Admin:Key"] = AdminKey,
        },
        _logs);

    [OneTimeTearDown]
    public async Task StopApp() => await _app.DisposeAsync();

    [Test]
    public async Task ADisabledHttpFunctionAnswers404ExceptToTheMasterKey()
    {
        using var client = _app.CreateClient();
        using var anonymous = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("x-functions-key", AdminKey);
        using var master = await client.SendAsync(request);
        using var other = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(master.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK), "only the disabled function is off");
        });
    }

    [Test]
    public async Task ADisabledQueueFunctionLeavesItsMessagesOnTheQueue()
    {
        using var client = _app.CreateClient();
        using var response = await client.SendAsync(_app.Signer.Form("/api/taskrouter/events", TaskRouterSamples.Event("task.created")));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        // The listener decides once, at start: it logs that it skips the function and never receives from its queue.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!_logs.Lines.Any(l => l.Contains("ProcessFlexEvent is disabled", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.That(_logs.Lines.Any(l => l.Contains("ProcessFlexEvent is disabled", StringComparison.Ordinal)), Is.True);
        Assert.That((await _app.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount, Is.EqualTo(1));
        Assert.That((await _app.Queue.PeekMessagesAsync()).Value.Single().DequeueCount, Is.Zero, "never received");
    }
}
