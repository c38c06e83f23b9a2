using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.Tests.Browser;

/// <summary>
/// A Flex-like origin: Kestrel on a loopback port the OS picks, serving the stand-in Flex page
/// (<c>flex-plugin/browser-test/page.html</c>, with the app's URL and the agent's token filled in) and the built plugin
/// bundle, as Flex serves a plugin into its own page.
/// </summary>
internal sealed class FlexPage : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FlexPage(WebApplication app, string origin)
    {
        _app = app;
        Origin = origin;
    }

    /// <summary><c>http://127.0.0.1:port</c>: what the browser sends as <c>Origin</c>.</summary>
    public string Origin { get; }

    public string? AppUrl { get; set; }

    public string? Token { get; set; }

    public static string Bundle => Path.Combine(RepoPaths.Root, "flex-plugin", "dist", "plugin-flexzendesk.js");

    public static async Task<FlexPage> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FlexPage? page = null;
        app.MapGet("/", () => Results.Content(
            File.ReadAllText(Path.Combine(RepoPaths.Root, "flex-plugin", "browser-test", "page.html"))
                .Replace("__APP_URL__", page!.AppUrl, StringComparison.Ordinal)
                .Replace("__TOKEN__", page.Token, StringComparison.Ordinal),
            "text/html"));
        app.MapGet("/plugin-flexzendesk.js", () => Results.File(Bundle, "text/javascript"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        page = new FlexPage(app, address.TrimEnd('/'));
        return page;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
