using System.Text.Json;
using System.Text.RegularExpressions;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.UnitTests;

/// <summary>
/// scripts/run builds what it starts: one build of the projects in scripts/run.slnf. CI runs the README's run command
/// on the solution's one build (FLEXZENDESK_PREBUILT=1), so this is what keeps a newcomer's build complete.
/// </summary>
[Category("Unit")]
public sealed partial class RunCommandTests
{
    [Test]
    public void TheRunCommandBuildsEveryProjectItStarts()
    {
        var scripts = Path.Combine(RepoPaths.Root, "scripts");
        using var filter = JsonDocument.Parse(File.ReadAllText(Path.Combine(scripts, "run.slnf")));
        var solution = Path.GetFullPath(Path.Combine(scripts, filter.RootElement.GetProperty("solution").GetProperty("path").GetString()!));
        var projects = filter.RootElement.GetProperty("solution").GetProperty("projects").EnumerateArray().Select(p => p.GetString()!).ToList();
        var started = StartedDll().Matches(File.ReadAllText(Path.Combine(scripts, "run"))).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(solution), Is.True, solution);
            Assert.That(projects.Where(p => !File.Exists(Path.Combine(Path.GetDirectoryName(solution)!, p))), Is.Empty, "every project of the filter exists");
            Assert.That(projects.Where(p => !File.ReadAllText(solution).Contains(p, StringComparison.Ordinal)), Is.Empty, "every project of the filter is in the solution");
            Assert.That(started, Is.SupersetOf(new[] { "FlexZendesk.Standalone", "FlexZendesk.Sandbox", "FlexZendesk.DevTools" }), "the dlls scripts/run starts, as this test reads them");
            Assert.That(projects.Select(Path.GetFileNameWithoutExtension), Is.SupersetOf(started), "scripts/run.slnf builds each dll scripts/run starts");
        });
    }

    [GeneratedRegex(@"(FlexZendesk\.\w+)/bin/Release/net10\.0/\1\.dll")]
    private static partial Regex StartedDll();
}
