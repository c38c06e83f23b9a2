using System.Text.Json;
using System.Text.RegularExpressions;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.Tests.Contracts;

/// <summary>One request as it went on the wire: the path as sent (a <c>.json</c> suffix kept), the query with its <c>?</c>.</summary>
internal sealed record VendorRequest(string Api, string Method, string Path, string Query, string? ContentType, string? Body, string? Answer = null, int Status = 200)
{
    public override string ToString() => $"{Method} {Path}{Query}";
}

/// <summary>What the vendors' published descriptions say of one request: the operation it is, and what breaks their rules.</summary>
internal sealed record Verdict(string Operation, IReadOnlyList<string> Violations)
{
    /// <summary>What the description leaves unjudged (a body it gives no shape for), or null.</summary>
    public string? Unjudged { get; init; }

    public bool Ok => Violations.Count == 0;
}

/// <summary>
/// The judge of the contract tier: Twilio's published OpenAPI JSON (TaskRouter, Calls and Recordings, Conversations, read
/// with Microsoft.OpenApi) and the facts in <c>../shared/contracts/</c> (Zendesk's Support description, the Talk Partner
/// Edition Calls API, Twilio's token validation). A request is judged by the rules of docs/testing.md: the operation
/// exists; every query parameter is declared and within its limits; every body field is declared at its nesting level;
/// required fields are present; the answer carries the fields the app reads.
/// </summary>
internal sealed class VendorContracts
{
    private static readonly Lazy<VendorContracts> Loaded = new(() => new VendorContracts(ContractsDirectory(), TwilioSpecDirectory()));

    /// <summary>POSTs Zendesk documents with no body at all (its docs: "no request body"): the screen pops.</summary>
    private static readonly HashSet<string> BodylessPosts =
    [
        "/api/v2/channels/voice/agents/{agent_id}/tickets/{ticket_id}/display",
        "/api/v2/channels/voice/agents/{agent_id}/users/{user_id}/display",
    ];

    private readonly List<Operation> _zendesk = [];
    private readonly List<Operation> _twilioFacts = [];
    private readonly TwilioSpecs _twilio;

    private VendorContracts(string contracts, string twilioSpecs)
    {
        using (var support = JsonDocument.Parse(File.ReadAllText(Path.Combine(contracts, "zendesk-support.json"))))
        {
            foreach (var op in support.RootElement.GetProperty("operations").EnumerateArray())
            {
                var body = op.GetProperty("body");
                var method = op.GetProperty("method").GetString()!;
                var path = op.GetProperty("path").GetString()!;
                _zendesk.Add(new Operation(
                    "Zendesk " + op.GetProperty("id").GetString(),
                    method,
                    path,
                    op.GetProperty("params").Clone(),
                    body.ValueKind == JsonValueKind.Object ? body.GetProperty("shape").Clone() : null,
                    bodyless: method is "GET" or "DELETE" || BodylessPosts.Contains(path)));
            }
        }

        _zendesk.AddRange(TalkPartnerEdition.Operations(Path.Combine(contracts, "zendesk-talk-partner-edition.json")));
        _twilioFacts.AddRange(TalkPartnerEdition.TokenValidation(Path.Combine(contracts, "twilio-iam-token-validate.json")));
        _twilio = new TwilioSpecs(twilioSpecs);
        ZendeskOperations = _zendesk.Count;
        TwilioOperations = _twilio.Count + _twilioFacts.Count;
    }

    public static VendorContracts Instance => Loaded.Value;

    public int ZendeskOperations { get; }

    public int TwilioOperations { get; }

    /// <summary>Where the Zendesk facts live: <c>../shared/contracts</c> beside the checkout, or <c>FLEXZENDESK_CONTRACTS</c>.</summary>
    public static string ContractsDirectory()
    {
        var dir = Environment.GetEnvironmentVariable("FLEXZENDESK_CONTRACTS") is { Length: > 0 } set
            ? set
            : Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "contracts"));
        if (!File.Exists(Path.Combine(dir, "zendesk-support.json")))
        {
            throw new InvalidOperationException(
                $"The vendors' contracts are missing: no zendesk-support.json in {dir}. They live in shared/contracts beside the " +
                "checkout (set FLEXZENDESK_CONTRACTS to another folder); docs/testing.md says how they are refreshed.");
        }

        return dir;
    }

    /// <summary>Twilio's OpenAPI JSON, unpacked by <c>scripts/lib.sh</c>'s <c>ensure_twilio_oai</c> (pinned in tools/twilio-oai/pin).</summary>
    public static string TwilioSpecDirectory()
    {
        var dir = Path.Combine(RepoPaths.Root, "tools", "twilio-oai", "spec");
        if (!File.Exists(Path.Combine(dir, "twilio_taskrouter_v1.json")))
        {
            throw new InvalidOperationException(
                $"Twilio's OpenAPI JSON is missing from {dir}: scripts/test fetches it (the npm package pinned in " +
                "tools/twilio-oai/pin); by hand: bash -c 'source scripts/lib.sh && ensure_twilio_oai'.");
        }

        return dir;
    }

    public Verdict Judge(VendorRequest request)
    {
        if (request.Api == "zendesk")
        {
            var path = request.Path.EndsWith(".json", StringComparison.Ordinal) ? request.Path[..^5] : request.Path;
            // A literal segment beats a parameter (users/search is not users/{user_id}): the most specific template wins.
            return _zendesk.Where(o => o.Matches(request.Method, path)).OrderBy(o => o.Parameters).FirstOrDefault() is { } op
                ? op.Judge(request)
                : new Verdict("Zendesk ?", [$"{request}: no such operation in Zendesk's published description or the Talk Partner Edition facts"]);
        }

        if (_twilioFacts.FirstOrDefault(o => o.Matches(request.Method, request.Path)) is { } fact)
        {
            return fact.Judge(request);
        }

        return _twilio.Judge(request);
    }

    /// <summary>Fields of a Twilio answer that Twilio's published answer schema does not declare.</summary>
    public IReadOnlyList<string> UndeclaredAnswerFields(VendorRequest request) => _twilio.UndeclaredAnswerFields(request);

    /// <summary>Splits a query string into its (decoded) names and values.</summary>
    internal static List<(string Name, string Value)> QueryPairs(string query) =>
        [.. query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString((at < 0 ? pair : pair[..at]).Replace('+', ' '));
            return (name, at < 0 ? "" : Uri.UnescapeDataString(pair[(at + 1)..].Replace('+', ' ')));
        })];

    /// <summary>A path template (<c>/api/v2/tickets/{ticket_id}</c>) as a pattern matching whole paths.</summary>
    internal static Regex Template(string template) =>
        new("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]*}", "[^/]+") + "$", RegexOptions.CultureInvariant);
}
