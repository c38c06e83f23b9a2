using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Queues;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlexZendesk.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel (loopback, ephemeral port) against the shared Azurite, with its own queue so
/// fixtures do not see each other's messages.
/// </summary>
internal sealed class FunctionsApp : WebApplicationFactory<Program>
{
    public const string AuthToken = "test-auth-token-not-a-real-secret";
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string WorkspaceSid = "WS0123456789abcdef0123456789abcdef";
    public const string PublicBaseUrl = "https://flex.example.test";

    private readonly Dictionary<string, string?> _settings;
    private readonly CapturingLoggerProvider? _logs;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Extra registrations, e.g. OpenTelemetry with in-memory exporters.</param>
    public FunctionsApp(IDictionary<string, string?>? overrides = null, CapturingLoggerProvider? logs = null, Action<IServiceCollection>? services = null)
    {
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

        UseKestrel(0);
        StartServer();
        Signer = new TwilioSigner(AuthToken, PublicBaseUrl);
    }

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
        return [.. messages.Select(m => EventQueueWriter.Deserialize(m.Body.ToMemory().Span))];
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }

        if (_logs is not null)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        }

        if (Environment.GetEnvironmentVariable("FLEXZENDESK_TEST_LOGS") == "1")
        {
            builder.ConfigureLogging(logging => logging.AddProvider(new ProgressLoggerProvider()).SetMinimumLevel(LogLevel.Debug));
        }
    }
}
