using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.Tests.Hosting;

/// <summary>
/// scripts/publish builds what gets deployed: the dotnet-isolated worker as the Functions host loads it (host.json,
/// functions.metadata, worker.config.json, the worker dll, the host-side extensions in .azurefunctions/). Publishes
/// once (about a minute of CPU) into a temporary folder and checks that package and its zip. Category Package: scripts/test
/// runs it in a test process of its own, alongside the rest.
/// </summary>
[NonParallelizable]
[Category(TestCategories.Package)]
[SupportedOSPlatform("linux")] // the package is for Linux function apps, built as there
public sealed class PackageLayoutTests
{
    private string _out = "";
    private string _package = "";
    private string _zip = "";

    [OneTimeSetUp]
    public async Task PublishAsync()
    {
        _out = Directory.CreateTempSubdirectory("flexzendesk-publish-").FullName;
        var (exitCode, output) = await Scripts.RunAsync("publish", ["--out", _out], TimeSpan.FromMinutes(10));
        Assert.That(exitCode, Is.Zero, "scripts/publish failed:\n" + output);
        _package = Path.Combine(_out, "package");
        _zip = Path.Combine(_out, "flexzendesk-functions.zip");
    }

    [OneTimeTearDown]
    public void RemovePackage() => Directory.Delete(_out, recursive: true);

    [Test]
    public void PackageHoldsHostJsonAndTheWorkersContractWithTheHost()
    {
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(_package, "host.json")), Is.EqualTo(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json"))));
            using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(_package, "functions.metadata")));
            Assert.That(metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()),
                Is.EquivalentTo(new[] { "TaskRouterEvents", "StudioEvents", "StudioTicketLookup", "FlexTaskSelected", "Health", "ReplayPoison", "TaskStory", "ProcessFlexEvent", "ReconcileEvents" }));
            using var worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(_package, "worker.config.json")));
            var path = worker.RootElement.GetProperty("description").GetProperty("defaultWorkerPath").GetString()!;
            Assert.That(File.Exists(Path.Combine(_package, path)), Is.True, $"{path} (worker.config.json defaultWorkerPath) is in the package");
            Assert.That(Directory.GetFiles(_package, "*.runtimeconfig.json"), Has.Length.EqualTo(1));
            Assert.That(Directory.GetFiles(_package, "*", SearchOption.AllDirectories).Select(Path.GetFileName), Has.None.EqualTo("function.json"), "no custom-handler folders");
        });
    }

    [Test]
    public void PackageCarriesTheHostSideExtensionsOfItsTriggers()
    {
        var extensions = Path.Combine(_package, ".azurefunctions");
        Assert.That(Directory.Exists(extensions), Is.True, ".azurefunctions/ (the host loads the worker's trigger extensions from it)");
        var assemblies = Directory.GetFiles(extensions, "*.dll", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.That(assemblies, Has.Some.EqualTo("Microsoft.Azure.WebJobs.Extensions.Storage.Queues.dll"), "the queue trigger's host extension");
    }

    [Test]
    public void ZipHoldsThePackage()
    {
        using var zip = ZipFile.OpenRead(_zip);
        var files = zip.Entries.Where(e => !e.FullName.EndsWith('/')).Select(e => e.FullName).Order(StringComparer.Ordinal);
        var onDisk = Directory.EnumerateFiles(_package, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_package, f)).Order(StringComparer.Ordinal);
        Assert.That(files, Is.EqualTo(onDisk));
    }
}
