using System.Text.Json;
using FlexZendesk.Functions.Gates;
using FlexZendesk.Functions.Webhooks;
using FlexZendesk.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlexZendesk.Tests.Hosting;

/// <summary>
/// The contract with the Functions host is what the worker build generates (functions.metadata, worker.config.json)
/// plus host.json; the host cannot run here, so these tests read the build output. The no-host runner must serve
/// exactly the same HTTP functions.
/// </summary>
public sealed class FunctionMetadataTests
{
    // The worker build of the configuration these tests were built in (bin/<Configuration>/net10.0, as theirs).
    private static readonly string WorkerOutput = Path.Combine(
        RepoPaths.Root, "FlexZendesk.Functions", "bin", new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0");
    private static readonly JsonElement HostJson = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));

    private static List<JsonElement> Metadata() =>
        [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(WorkerOutput, "functions.metadata"))).RootElement.EnumerateArray()];

    private static JsonElement Trigger(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    private static string Describe(JsonElement function)
    {
        var trigger = Trigger(function);
        string? Text(string name) => trigger.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.Array ? string.Join(",", value.EnumerateArray().Select(v => v.GetString())) : value.GetString() : null;
        return $"{function.GetProperty("name").GetString()}: {Text("type")} route={Text("route")} methods={Text("methods")} auth={Text("authLevel")} queue={Text("queueName")} connection={Text("connection")}"
            + (Text("schedule") is { } schedule ? $" schedule={schedule}" : "");
    }

    [Test]
    public void MetadataDeclaresEveryFunctionWithItsTrigger()
    {
        Assert.That(Metadata().Select(Describe), Is.EquivalentTo(new[]
        {
            "TaskRouterEvents: httpTrigger route=taskrouter/events methods=post auth=Anonymous queue= connection=",
            "StudioEvents: httpTrigger route=studio/events methods=post auth=Anonymous queue= connection=",
            "StudioTicketLookup: httpTrigger route=studio/tickets/lookup methods=get,post auth=Anonymous queue= connection=",
            "FlexTaskSelected: httpTrigger route=flex/tasks/selected methods=post,options auth=Anonymous queue= connection=",
            "Health: httpTrigger route=health methods=get auth=Anonymous queue= connection=",
            "ReplayPoison: httpTrigger route=ops/poison/replay methods=post auth=Admin queue= connection=",
            "TaskStory: httpTrigger route=ops/tasks/{taskSid} methods=get auth=Admin queue= connection=",
            "ProcessFlexEvent: queueTrigger route= methods= auth= queue=%Queues:EventsQueue% connection=AzureWebJobsStorage",
            "ReconcileEvents: timerTrigger route= methods= auth= queue= connection= schedule=%Reconcile:Schedule%",
        }));
    }

    [Test]
    public void TheWorkersGateLookupFindsEveryHttpFunctionAndTheGatesItDeclares()
    {
        // What GateMiddleware does under the host with each function's entryPoint: were a lookup to miss, that function
        // would answer 500 instead of running ungated; this proves none misses, and which gates each one runs.
        var gates = Metadata().Where(f => Trigger(f).GetProperty("type").GetString() == "httpTrigger").ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => GateMiddleware.EntryPoint(f.GetProperty("entryPoint").GetString()!) is { } method
                ? string.Join(",", FunctionGates.Of(method).Select(g => g.Name))
                : "(entry point not found)");
        Assert.That(gates, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["TaskRouterEvents"] = nameof(TwilioWebhookGate),
            ["StudioEvents"] = nameof(TwilioWebhookGate),
            ["StudioTicketLookup"] = nameof(TwilioWebhookGate),
            ["FlexTaskSelected"] = "",
            ["Health"] = "",
            ["ReplayPoison"] = "",
            ["TaskStory"] = "",
        }));
    }

    [Test]
    public void MetadataPointsAtTheWorkerAndHttpFunctionsAnswerThroughTheirReturnValue()
    {
        Assert.Multiple(() =>
        {
            foreach (var function in Metadata())
            {
                var name = function.GetProperty("name").GetString();
                Assert.That(function.GetProperty("scriptFile").GetString(), Is.EqualTo("FlexZendesk.Functions.dll"), name);
                Assert.That(function.GetProperty("language").GetString(), Is.EqualTo("dotnet-isolated"), name);
                var bindings = function.GetProperty("bindings").EnumerateArray().Select(b => $"{b.GetProperty("type").GetString()} {b.GetProperty("direction").GetString()} {b.GetProperty("name").GetString()}").ToList();
                if (Trigger(function).GetProperty("type").GetString() == "httpTrigger")
                {
                    Assert.That(bindings, Has.Exactly(1).EqualTo("http Out $return"), name);
                }
            }
        });
    }

    [Test]
    public void WorkerConfigStartsTheWorkerDll()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(WorkerOutput, "worker.config.json")));
        var description = config.RootElement.GetProperty("description");
        Assert.Multiple(() =>
        {
            Assert.That(description.GetProperty("language").GetString(), Is.EqualTo("dotnet-isolated"));
            Assert.That(description.GetProperty("defaultExecutablePath").GetString(), Is.EqualTo("dotnet"));
            Assert.That(description.GetProperty("defaultWorkerPath").GetString(), Is.EqualTo("FlexZendesk.Functions.dll"));
        });
    }

    [Test]
    public void HostJsonIsTheRepositoryOneAndNamesNoCustomHandler()
    {
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(WorkerOutput, "host.json")), Is.EqualTo(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json"))));
            Assert.That(HostJson.GetProperty("version").GetString(), Is.EqualTo("2.0"));
            Assert.That(HostJson.TryGetProperty("customHandler", out _), Is.False);
            Assert.That(HostJson.TryGetProperty("extensionBundle", out _), Is.False, "a dotnet-isolated app brings its extensions; a bundle is for scripts");
        });
    }

    [Test]
    public void TheNoHostRunnerServesExactlyTheHttpFunctions()
    {
        var app = SharedApps.App();
        var served = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != "/")
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')} ({e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName})"))
            .ToList();

        var prefix = HostJson.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();
        var declared = Metadata().Where(f => Trigger(f).GetProperty("type").GetString() == "httpTrigger")
            .SelectMany(f => Trigger(f).GetProperty("methods").EnumerateArray()
                .Select(m => $"{m.GetString()!.ToUpperInvariant()} /{prefix}/{Trigger(f).GetProperty("route").GetString()} ({f.GetProperty("name").GetString()})"))
            .ToList();

        Assert.That(declared, Is.Not.Empty);
        Assert.That(served, Is.EquivalentTo(declared), "functions.metadata and the no-host routes (with function names) must match one to one");
    }

    /// <summary>Every settable option, as (section, name); adding one without documenting it fails here.</summary>
    private static IEnumerable<(string Section, string Name)> AllSettings() =>
        new (string Section, Type Options)[]
        {
            ("Twilio", typeof(Core.Twilio.TwilioOptions)),
            ("Queues", typeof(Core.Queues.QueueOptions)),
            ("Ingress", typeof(Functions.Webhooks.IngressOptions)),
            ("Zendesk", typeof(Core.Zendesk.ZendeskOptions)),
            ("Tickets", typeof(Core.Tickets.TicketOptions)),
            ("Notes", typeof(Core.Tickets.NoteOptions)),
            ("Flex", typeof(Core.Tickets.FlexOptions)),
            ("Ledger", typeof(Core.Ledger.LedgerOptions)),
            ("Reconcile", typeof(Core.Reconcile.ReconcileOptions)),
            ("Admin", typeof(Standalone.AdminOptions)),
            ("Queues", typeof(Standalone.ListenerOptions)),
            ("Timers", typeof(Standalone.TimerOptions)),
        }.SelectMany(o => o.Options.GetProperties().Where(p => p.CanWrite).Select(p => (o.Section, p.Name)));

    [Test]
    public void SampleSettingsNameEverySettingWithPlaceholders()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values");
        var keys = values.EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(keys, Is.SupersetOf(AllSettings().Select(s => $"{s.Section}__{s.Name}").Append("AzureWebJobsStorage").Append("FUNCTIONS_WORKER_RUNTIME")));
        Assert.Multiple(() =>
        {
            foreach (var secret in new[] { "Twilio__AuthToken", "Twilio__ApiKeySecret", "Zendesk__ApiToken", "Zendesk__OAuthToken", "Admin__Key" })
            {
                Assert.That(values.GetProperty(secret).GetString(), Does.StartWith("<").Or.Empty, secret + " must be a placeholder");
            }

            Assert.That(values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString(), Is.EqualTo("dotnet-isolated"));
        });
    }

    [Test]
    public void ReadmeDocumentsEverySetting()
    {
        // docs/configuration.md, the page the README sends a reader to for any setting.
        var page = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "configuration.md"));
        Assert.That(AllSettings().Select(s => $"`{s.Section}:{s.Name}`").Where(key => !page.Contains(key, StringComparison.Ordinal)), Is.Empty);
    }
}
