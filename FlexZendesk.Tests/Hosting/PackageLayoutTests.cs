using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.Versioning;
using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.Tests.Hosting;

/// <summary>
/// scripts/publish builds what gets deployed: the Functions host reads host.json, every function folder, and starts
/// the binary host.json names. Publishes once (1-2 minutes) into a temporary folder and checks that package.
/// </summary>
[NonParallelizable]
[SupportedOSPlatform("linux")] // the package is for Linux function apps, built and run as there
public sealed class PackageLayoutTests
{
    private const int ElfX86_64 = 0x3E;
    private string _out = "";
    private string _package = "";
    private string _zip = "";
    private string _executable = "";

    [OneTimeSetUp]
    public async Task PublishAsync()
    {
        _out = Directory.CreateTempSubdirectory("flexzendesk-publish-").FullName;
        var (exitCode, output) = await Scripts.RunAsync("publish", ["--out", _out], TimeSpan.FromMinutes(10));
        Assert.That(exitCode, Is.Zero, "scripts/publish failed:\n" + output);
        _package = Path.Combine(_out, "package");
        _zip = Path.Combine(_out, "flexzendesk-functions.zip");
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));
        _executable = hostJson.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!;
    }

    [OneTimeTearDown]
    public void RemovePackage() => Directory.Delete(_out, recursive: true);

    [Test]
    public void PackageHoldsHostJsonAndEveryFunctionFolderUnchanged()
    {
        Assert.That(File.ReadAllText(Path.Combine(_package, "host.json")), Is.EqualTo(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json"))));
        var expected = FunctionFolders(RepoPaths.Root);
        Assert.That(expected, Has.Count.GreaterThanOrEqualTo(7));
        Assert.That(FunctionFolders(_package), Is.EqualTo(expected), "function folders in the package");
        foreach (var folder in expected)
        {
            Assert.That(File.ReadAllText(Path.Combine(_package, folder, "function.json")),
                Is.EqualTo(File.ReadAllText(Path.Combine(RepoPaths.Root, folder, "function.json"))), folder);
        }
    }

    [Test]
    public void HostJsonNamesAnExecutableLinuxX64BinaryAtThePackageRoot()
    {
        var binary = Path.Combine(_package, _executable);
        Assert.That(File.Exists(binary), Is.True, $"{_executable} (customHandler.description.defaultExecutablePath) is in the package");
        Assert.That(File.GetUnixFileMode(binary) & UnixFileMode.UserExecute, Is.EqualTo(UnixFileMode.UserExecute), "executable bit");
        var header = new byte[20];
        using (var stream = File.OpenRead(binary))
        {
            stream.ReadExactly(header);
        }

        Assert.That(header[..4], Is.EqualTo(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }), "an ELF binary");
        Assert.That(BitConverter.ToUInt16(header, 18), Is.EqualTo(ElfX86_64), "for x86-64");
        // Self-contained: the single-file bundle carries the runtime itself (a framework-dependent one would not), so
        // the function app needs no .NET install; and nothing else is loose beside it.
        var bundled = System.Text.Encoding.UTF8.GetBytes("System.Private.CoreLib.dll");
        Assert.That(File.ReadAllBytes(binary).AsSpan().IndexOf(bundled), Is.GreaterThan(0), "the runtime is bundled");
        Assert.That(Directory.GetFiles(_package).Select(Path.GetFileName), Is.EquivalentTo(new[] { "host.json", _executable }));
    }

    [Test]
    public void ZipHoldsThePackageAndKeepsTheExecutableBit()
    {
        using var zip = ZipFile.OpenRead(_zip);
        var files = zip.Entries.Where(e => !e.FullName.EndsWith('/')).Select(e => e.FullName).Order(StringComparer.Ordinal);
        var onDisk = Directory.EnumerateFiles(_package, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(_package, f)).Order(StringComparer.Ordinal);
        Assert.That(files, Is.EqualTo(onDisk));
        // Unix mode lives in the high 16 bits of the external attributes; the host on Linux runs the file as it unpacks it.
        var mode = (UnixFileMode)((zip.GetEntry(_executable)!.ExternalAttributes >> 16) & 0x1FF);
        Assert.That(mode & UnixFileMode.UserExecute, Is.EqualTo(UnixFileMode.UserExecute));
    }

    [Test]
    public async Task PackagedBinaryAnswersTheHostsReadinessProbeAndReachesStorage()
    {
        var port = FreePorts.Take(1)[0];
        var start = HandlerProcess.StartInfo(Path.Combine(_package, _executable), port, _package);
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await FreePorts.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), () => process.HasExited);
            using var http = new HttpClient();
            var answer = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
            Assert.That((int)answer.StatusCode, Is.EqualTo(200), () => output.ToString());
            var health = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/api/health"));
            Assert.That(health, Does.Contain("\"status\":\"Healthy\""), "the packaged app reaches storage");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static List<string> FunctionFolders(string root) =>
        Directory.EnumerateDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "function.json")))
            .Select(d => Path.GetFileName(d))
            .Order(StringComparer.Ordinal)
            .ToList();
}
