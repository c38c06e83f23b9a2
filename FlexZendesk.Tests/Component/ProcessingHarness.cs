using FlexZendesk.Core.Events;
using FlexZendesk.Core.Ledger;
using FlexZendesk.Core.Processing;
using FlexZendesk.Functions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlexZendesk.Tests.Component;

/// <summary>
/// The processor as production wires it (<see cref="FlexZendeskRegistration.AddFlexZendesk"/>: the Refit Zendesk client
/// with its budget and auth handlers, the Twilio SDK client, the ledger on Azurite), with three things swapped: Zendesk's
/// and Twilio's HTTP answered by <see cref="StubHttp"/>, and the clock, a <see cref="SignallingClock"/>. No app, no sandbox.
/// </summary>
internal sealed class ProcessingHarness : IAsyncDisposable
{
    public const string WorkspaceSid = "WS0123456789abcdef0123456789abcdef";

    private readonly ServiceProvider _services;

    private ProcessingHarness(ServiceProvider services, StubHttp remote, SignallingClock clock)
    {
        _services = services;
        Remote = remote;
        Clock = clock;
    }

    public StubHttp Remote { get; }

    public SignallingClock Clock { get; }

    public FlexEventProcessor Processor => _services.GetRequiredService<FlexEventProcessor>();

    public LedgerStore Ledgers => _services.GetRequiredService<LedgerStore>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <param name="ledger">False for tests that touch no storage: then no Azurite is started for them.</param>
    public static async Task<ProcessingHarness> StartAsync(IDictionary<string, string?>? overrides = null, bool ledger = true)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = ledger ? TestEnvironment.StorageConnectionString : "UseDevelopmentStorage=true",
            ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["Twilio:AuthToken"] = "unit-auth-token-not-a-secret",
            ["Twilio:WebhookBaseUrl"] = "https://flex.example.test",
            ["Twilio:WorkspaceSid"] = WorkspaceSid,
            ["Ledger:TablePrefix"] = "U" + Guid.NewGuid().ToString("N")[..12],
            ["Ledger:ClaimTimeoutSeconds"] = "60",
            ["Zendesk:BaseUrl"] = "https://acme.zendesk.example.test",
            ["Zendesk:Email"] = "agent@example.test",
            ["Zendesk:ApiToken"] = "unit-zendesk-token-not-a-secret",
            // The clock stands still unless a test moves it: a plan's burst (4 turns at Team) would hold the fifth call
            // of a test forever. Processing tests are not about the budget; those that are lower these.
            ["Zendesk:RequestsPerMinute"] = "100000",
            ["Zendesk:TicketUpdatesPerMinute"] = "100000",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddMetrics();
        services.AddFlexZendesk(configuration);
        var remote = new StubHttp();
        var clock = new SignallingClock();
        services.AddSingleton<TimeProvider>(clock);
        // Last, so it wins over the product's own handler settings: every named client (Refit's, Twilio's) ends at the stub.
        services.ConfigureAll<Microsoft.Extensions.Http.HttpClientFactoryOptions>(http => http.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = remote));
        return new ProcessingHarness(services.BuildServiceProvider(), remote, clock);
    }

    public static FlexEventEnvelope Event(string eventType, string taskSid, string attributes, Dictionary<string, string>? fields = null) => new()
    {
        Id = "EV" + Guid.NewGuid().ToString("N"),
        Source = EventSources.TaskRouter,
        EventType = eventType,
        ReceivedAt = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero),
        TaskSid = taskSid,
        TaskAttributes = System.Text.Json.JsonDocument.Parse(attributes).RootElement.Clone(),
        Fields = fields ?? new() { ["TaskChannelUniqueName"] = "voice", ["WorkspaceSid"] = WorkspaceSid, ["TaskQueueName"] = "Everyone", ["WorkerName"] = "alice" },
    };

    public static string TaskPath(string taskSid) => $"/v1/Workspaces/{WorkspaceSid}/Tasks/{taskSid}";

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
