using System.Diagnostics;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.UnitTests;

/// <summary>The rules of docs/architecture.md that a reader would notice broken first.</summary>
[Category("Unit")]
public sealed class ArchitectureTests
{
    [Test]
    public async Task NoCoreFolderImportsOneAboveIt()
    {
        var start = new ProcessStartInfo("python3", [Path.Combine(RepoPaths.Root, "scripts", "walk")])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var walk = Process.Start(start)!;
        var output = walk.StandardOutput.ReadToEndAsync();
        var errors = walk.StandardError.ReadToEndAsync();
        await walk.WaitForExitAsync();

        Assert.That(walk.ExitCode, Is.Zero, await output + await errors);
        Assert.That(await output, Does.Contain("namespace rules broken: 0"));
    }

    [Test]
    public void NoCoreFileIsOver200Lines()
    {
        var core = Path.Combine(RepoPaths.Root, "FlexZendesk.Core");
        var overLong = Directory.GetFiles(core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (File: Path.GetRelativePath(core, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > 200);
        Assert.That(overLong, Is.Empty, "a Core file is what a reader opens for one reason: split it where its reasons part");
    }
}
