using Microsoft.AspNetCore.Http.Features;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlexZendesk.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FlexZendesk.Tests.Infrastructure;

/// <summary>The sandbox on Kestrel on a free loopback port, with a control client.</summary>
internal sealed class SandboxServer : IAsyncDisposable
{
    public const string ZendeskEmail = "agent@example.test";
    public const string ZendeskToken = "test-zendesk-token-not-real";
    public const string ControlKey = "test-sandbox-key";

    private readonly WebApplication _app;

    private SandboxServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Control = new HttpClient { BaseAddress = new Uri(baseUrl) };
        Control.DefaultRequestHeaders.Add("X-Sandbox-Key", ControlKey);
    }

    public string BaseUrl { get; }

    public HttpClient Control { get; }

    public SandboxOptions Options => _app.Services.GetRequiredService<SandboxOptions>();

    public static async Task<SandboxServer> StartAsync()
    {
        var app = SandboxApp.Build(["--urls", "http://127.0.0.1:0"], o =>
        {
            o.ZendeskEmail = ZendeskEmail;
            o.ZendeskApiToken = ZendeskToken;
            o.TwilioAccountSid = FunctionsApp.AccountSid;
            o.TwilioAuthToken = FunctionsApp.AuthToken; // one auth token signs webhooks and authenticates REST calls
            o.ControlKey = ControlKey;
            o.RecordBodies = true;
            o.Observe = Contracts.VendorTraffic.Observe; // the contract tier judges every request the app sends
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new SandboxServer(app, address);
    }

    /// <summary>An HTTP client authenticated as the app is: Zendesk token or Twilio account credentials.</summary>
    public HttpClient ZendeskClient(string? token = null) => Authenticated($"{ZendeskEmail}/token:{token ?? ZendeskToken}");

    public HttpClient TwilioClient() => Authenticated($"{FunctionsApp.AccountSid}:{FunctionsApp.AuthToken}");

    public async Task ResetAsync()
    {
        using var response = await Control.PostAsync(new Uri("/_sandbox/reset", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        Options.RequestsPerMinute = 700;
        Options.TicketUpdatesPerMinute = 100;
        Options.QuoteTaskETag = false;
        Options.TokenRefusalStatus = 200;
        Options.TwilioApiKeySid = null;
        Options.TwilioApiKeySecret = null;
    }

    public async Task<JsonElement> StateAsync() =>
        await Control.GetFromJsonAsync<JsonElement>(new Uri("/_sandbox/state", UriKind.Relative));

    /// <summary>What the app's Azure Monitor exporter sent to the sandbox's ingestion endpoint.</summary>
    public async Task<List<JsonElement>> TelemetryAsync() =>
        await Control.GetFromJsonAsync<List<JsonElement>>(new Uri("/_sandbox/telemetry", UriKind.Relative)) ?? [];

    public async Task<JsonElement> PostControlAsync(string path, object body)
    {
        using var response = await Control.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, JsonOptions);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async ValueTask DisposeAsync()
    {
        Control.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private HttpClient Authenticated(string credentials)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return client;
    }
}
