using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Queues;
using FlexZendesk.Standalone;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// The real functions, served by FlexZendesk.Standalone on Kestrel, against the shared Azurite, with its own queue so fixtures do not see each other's
/// messages. The app binds 127.0.0.1:0 itself and the address is read after it started: no port is chosen in
/// advance (nothing can take it first) and nothing rewrites the server's addresses while it starts (the
/// WebApplicationFactory + UseKestrel race: "IServerAddressesFeature.Addresses cannot be modified after the
/// server has started").
/// </summary>
internal sealed class FunctionsApp : IDisposable, IAsyncDisposable
{
    public const string AuthToken = "test-auth-token-not-a-real-secret";

    /// <summary>The <c>Admin:Key</c> (master key) of the tests that set one.</summary>
    public const string AdminKey = "test-admin-key-not-real";
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string WorkspaceSid = "WS0123456789abcdef0123456789abcdef";
    public const string PublicBaseUrl = "https://flex.example.test";

    private static int _started;

    /// <summary>How many apps this test run has started (scripts/test prints it: the cost of starting apps ad hoc).</summary>
    public static int Started => Volatile.Read(ref _started);

    private readonly Dictionary<string, string?> _settings;
    private readonly CapturingLoggerProvider? _logs;
    private readonly Action<IServiceCollection>? _services;
    private readonly WebApplication _app;

    /// <param name="services">Extra registrations, e.g. OpenTelemetry with in-memory exporters.</param>
    public FunctionsApp(IDictionary<string, string?>? overrides = null, CapturingLoggerProvider? logs = null, Action<IServiceCollection>? services = null)
    {
        Interlocked.Increment(ref _started);
        _logs = logs;
        _services = services;
        var unique = Guid.NewGuid().ToString("N")[..12];
        QueueName = "flex-events-" + unique;
        TablePrefix = "T" + unique;
        _settings = new()
        {
            ["AzureWebJobsStorage"] = TestEnvironment.StorageConnectionString,
            ["Twilio:AccountSid"] = AccountSid,
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:WebhookBaseUrl"] = PublicBaseUrl,
            ["Twilio:WorkspaceSid"] = WorkspaceSid,
            ["Queues:EventsQueue"] = QueueName,
            ["Queues:Listen"] = "false",
            // Every app of a test run shares the sandbox's TaskRouter events: only the reconciliation tests read them.
            ["Reconcile:Enabled"] = "false",
            ["Ledger:TablePrefix"] = TablePrefix,
            ["Zendesk:BaseUrl"] = TestEnvironment.Sandbox.BaseUrl,
            ["Zendesk:Email"] = SandboxServer.ZendeskEmail,
            ["Zendesk:ApiToken"] = SandboxServer.ZendeskToken,
            ["Zendesk:RequestsPerMinute"] = "100000", // budget tests lower it
            ["Zendesk:TicketUpdatesPerMinute"] = "100000",
            ["Twilio:ApiBaseUrl"] = TestEnvironment.Sandbox.BaseUrl,
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        // Another instance of the same deployment passes the first one's queue and table prefix.
        QueueName = _settings["Queues:EventsQueue"]!;
        TablePrefix = _settings["Ledger:TablePrefix"]!;

        _app = StandaloneApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"], Configure);
        try
        {
            _app.StartAsync().GetAwaiter().GetResult();
        }
        catch
        {
            ((IDisposable)_app).Dispose();
            throw;
        }

        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        Signer = new TwilioSigner(AuthToken, PublicBaseUrl);
    }

    /// <summary>Where the started app listens, e.g. http://127.0.0.1:41234.</summary>
    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public string QueueName { get; }

    public string TablePrefix { get; }

    public QueueClient PoisonQueue => new(Storage, QueueName + "-poison",
        new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public TwilioSigner Signer { get; }

    /// <summary>The storage this app uses (the shared Azurite unless a test overrides it).</summary>
    public string Storage => _settings["AzureWebJobsStorage"]!;

    public QueueClient Queue => new(Storage, QueueName,
        new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>Every envelope on the queue (peeked, left in place), decoded as a consumer would.</summary>
    public async Task<List<FlexEventEnvelope>> PeekEnvelopesAsync()
    {
        if (!(await Queue.ExistsAsync()).Value)
        {
            return [];
        }

        PeekedMessage[] messages = await Queue.PeekMessagesAsync(maxMessages: 32);
        return [.. messages.Select(m => EnvelopeJson.Deserialize(m.Body.ToMemory().Span))];
    }

    /// <summary>A client of the started app; the caller disposes it.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Configure(WebApplicationBuilder builder)
    {
        // Last source wins: the test's settings override anything from the environment.
        builder.Configuration.AddInMemoryCollection(_settings);
        _services?.Invoke(builder.Services);
        if (_logs is not null)
        {
            builder.Logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace);
        }

        if (Environment.GetEnvironmentVariable("FLEXZENDESK_TEST_LOGS") == "1")
        {
            builder.Logging.AddProvider(new ProgressLoggerProvider()).SetMinimumLevel(LogLevel.Debug);
        }
    }
}
