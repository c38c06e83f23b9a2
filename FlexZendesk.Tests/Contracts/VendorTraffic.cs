using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using FlexZendesk.Sandbox;
using FlexZendesk.Tests.Contracts;
using NUnit.Framework.Interfaces;

[assembly: JudgedByTheVendors]

namespace FlexZendesk.Tests.Contracts;

/// <summary>
/// The contract tier's end-to-end part: every request the app sends to the test run's sandbox (told apart from a test's
/// own calls by the app's User-Agent: <c>FlexZendesk/…</c> on its clients, <c>twilio-csharp/…</c> from the Twilio SDK)
/// is judged as the sandbox logs it, with its answer; a test during which a violation was seen fails
/// (<see cref="JudgedByTheVendorsAttribute"/>), and the run writes what it judged to
/// <c>artifacts/test-results/contract-tier-{pid}.txt</c>.
/// </summary>
internal static class VendorTraffic
{
    private static readonly ConcurrentQueue<string> Violations = new();
    private static readonly ConcurrentDictionary<string, int> Judged = new();
    private static readonly ConcurrentDictionary<string, int> Unjudged = new();

    /// <summary>Judges one logged request if the app sent it (the sandbox calls this for every request it answers).</summary>
    public static void Observe(SandboxRequest logged)
    {
        if (logged.Api is not ("zendesk" or "twilio") || !IsTheApps(logged.UserAgent))
        {
            return;
        }

        var request = new VendorRequest(logged.Api, logged.Method, logged.RawPath, logged.Query, logged.ContentType, logged.Body, logged.Answer, logged.Status);
        var errors = new List<string>();
        try
        {
            var verdict = VendorContracts.Instance.Judge(request);
            errors.AddRange(verdict.Violations);
            errors.AddRange(AnswerContract.Judge(verdict.Operation, request));
            Judged.AddOrUpdate(verdict.Operation, 1, (_, n) => n + 1);
            if (verdict.Unjudged is { } unjudged)
            {
                Unjudged.TryAdd($"{verdict.Operation}: {unjudged}", 0);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            errors.Add($"{request}: could not be judged: {ex.Message}");
        }

        foreach (var error in errors)
        {
            Violations.Enqueue(error);
        }
    }

    /// <summary>The violations seen since the last call, taken off the list.</summary>
    public static List<string> Take()
    {
        var taken = new List<string>();
        while (Violations.TryDequeue(out var violation))
        {
            taken.Add(violation);
        }

        return taken;
    }

    /// <summary>What the run judged, one operation a line with its count; written once at the end of the run.</summary>
    public static void Write(string folder)
    {
        var lines = new List<string> { $"requests judged: {Judged.Values.Sum()} in {Judged.Count} operations" };
        lines.AddRange(Judged.OrderBy(j => j.Key, StringComparer.Ordinal).Select(j => string.Create(CultureInfo.InvariantCulture, $"  {j.Value,6}  {j.Key}")));
        lines.AddRange(Unjudged.Keys.Order(StringComparer.Ordinal).Select(u => "  not judged: " + u));
        File.WriteAllLines(Path.Combine(folder, $"contract-tier-{Environment.ProcessId}.txt"), lines);
    }

    private static bool IsTheApps(string? userAgent) =>
        userAgent is not null && (userAgent.Contains("FlexZendesk/", StringComparison.Ordinal) || userAgent.Contains("twilio-csharp/", StringComparison.Ordinal));
}

/// <summary>Fails a test during which the app sent the sandbox a request the vendors' descriptions do not allow.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
internal sealed class JudgedByTheVendorsAttribute : Attribute, ITestAction
{
    public ActionTargets Targets => ActionTargets.Test;

    public void BeforeTest(ITest test)
    {
    }

    public void AfterTest(ITest test)
    {
        if (VendorTraffic.Take() is { Count: > 0 } violations)
        {
            Assert.Fail($"The app sent what the vendors' published descriptions do not allow ({violations.Count}):\n" + string.Join("\n", violations.Distinct().Take(20)));
        }
    }
}
