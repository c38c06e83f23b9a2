using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlexZendesk.Tests.Hosting;

/// <summary>The Functions host only knows what the function folders declare; the app must serve exactly that.</summary>
public sealed class FunctionFolderTests
{
    private static readonly JsonElement HostJson = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));

    private static IEnumerable<string> FunctionFolders() =>
        Directory.EnumerateDirectories(RepoPaths.Root)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    [Test]
    public void EveryFunctionFolderIsServedAndEveryApiRouteHasAFolder()
    {
        using var app = new FunctionsApp();
        var served = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText != "/")
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')} ({e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName})"))
            .Order(StringComparer.Ordinal)
            .ToList();

        var prefix = HostJson.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString();
        var declared = new List<string>();
        foreach (var folder in FunctionFolders())
        {
            using var function = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, folder, "function.json")));
            var trigger = function.RootElement.GetProperty("bindings").EnumerateArray()
                .Single(b => b.GetProperty("direction").GetString() == "in" && b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            if (trigger.GetProperty("type").GetString() == "httpTrigger")
            {
                var route = trigger.GetProperty("route").GetString();
                declared.AddRange(trigger.GetProperty("methods").EnumerateArray()
                    .Select(m => $"{m.GetString()!.ToUpperInvariant()} /{prefix}/{route} ({folder})"));
            }
            else
            {
                // Every other trigger is POSTed by the host to /{FunctionFolderName}.
                declared.Add($"POST /{folder} ({folder})");
            }
        }

        Assert.That(declared, Is.Not.Empty);
        Assert.That(served, Is.EquivalentTo(declared), "function folders and app routes (with endpoint names) must match one to one");
    }

    [Test]
    public void HostJsonRunsTheCustomHandlerWithForwardedHttp()
    {
        var root = HostJson;
        var handler = root.GetProperty("customHandler");
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("version").GetString(), Is.EqualTo("2.0"));
            Assert.That(root.GetProperty("extensionBundle").GetProperty("version").GetString(), Is.EqualTo("[4.*, 5.0.0)"));
            Assert.That(handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString(),
                Is.EqualTo(typeof(Program).Assembly.GetName().Name));
            Assert.That(handler.GetProperty("enableForwardingHttpRequest").GetBoolean(), Is.True);
        });
    }

    [Test]
    public void HttpFunctionsHaveExactlyOneHttpInAndOneHttpOut()
    {
        foreach (var folder in FunctionFolders())
        {
            using var function = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, folder, "function.json")));
            var bindings = function.RootElement.GetProperty("bindings").EnumerateArray().ToList();
            if (bindings.Any(b => b.GetProperty("type").GetString() == "httpTrigger"))
            {
                // Forwarding the original request only happens for this exact shape.
                Assert.That(bindings.Select(b => b.GetProperty("type").GetString()), Is.EquivalentTo(new[] { "httpTrigger", "http" }), folder);
            }
        }
    }

    /// <summary>Every settable option, as (section, name); adding one without documenting it fails here.</summary>
    private static IEnumerable<(string Section, string Name)> AllSettings() =>
        new (string Section, Type Options)[]
        {
            ("Twilio", typeof(Core.Twilio.TwilioOptions)),
            ("Queues", typeof(Core.Queues.QueueOptions)),
            ("Queues", typeof(Functions.Queues.ListenerOptions)),
            ("Ingress", typeof(Functions.Webhooks.IngressOptions)),
            ("Zendesk", typeof(Core.Zendesk.ZendeskOptions)),
            ("Tickets", typeof(Core.Tickets.TicketOptions)),
            ("Notes", typeof(Core.Tickets.NoteOptions)),
            ("Flex", typeof(Core.Tickets.FlexOptions)),
            ("Ledger", typeof(Core.Ledger.LedgerOptions)),
            ("Admin", typeof(Functions.Admin.AdminOptions)),
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
            foreach (var secret in new[] { "Twilio__AuthToken", "Twilio__ApiKeySecret", "Zendesk__ApiToken", "Zendesk__OAuthToken", "Flex__PluginKey", "Admin__Key" })
            {
                Assert.That(values.GetProperty(secret).GetString(), Does.StartWith("<").Or.Empty, secret + " must be a placeholder");
            }

            Assert.That(values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString(), Is.EqualTo("custom"));
        });
    }

    [Test]
    public void ReadmeDocumentsEverySetting()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        Assert.That(AllSettings().Select(s => $"`{s.Section}:{s.Name}`").Where(key => !readme.Contains(key, StringComparison.Ordinal)), Is.Empty);
    }
}
