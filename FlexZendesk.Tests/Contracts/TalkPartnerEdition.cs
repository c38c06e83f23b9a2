using System.Text.Json;

namespace FlexZendesk.Tests.Contracts;

/// <summary>
/// The operations no published description covers, as shapes built from their facts files in <c>shared/contracts</c>:
/// Zendesk's Talk Partner Edition Calls API and Twilio's Flex token validation. A field the facts list only as
/// unconfirmed (the comment section's <c>author_id</c>) is not declared.
/// </summary>
internal static class TalkPartnerEdition
{
    private static readonly JsonElement NoParameters = JsonSerializer.SerializeToElement(new { });

    public static IEnumerable<Operation> Operations(string file)
    {
        using var facts = JsonDocument.Parse(File.ReadAllText(file));
        var create = facts.RootElement.GetProperty("operations").EnumerateArray()
            .Single(o => o.GetProperty("method").GetString() == "POST" && o.GetProperty("path").GetString() == "/api/v2/calls");
        var call = create.GetProperty("body").GetProperty("call");
        var fields = call.GetProperty("fields").EnumerateArray().Select(f => f.GetString()!).ToList();
        var enums = call.GetProperty("enums").EnumerateObject()
            .Where(e => e.Value.EnumerateArray().All(v => !v.GetString()!.StartsWith('('))) // a list the docs copy truncated limits nothing
            .ToDictionary(e => e.Name, e => e.Value.EnumerateArray().Select(v => v.GetString()!).ToArray());
        var callShape = Object(fields.ToDictionary(f => f, f => enums.TryGetValue(f, out var allowed) ? (object)new { t = "string", @enum = allowed } : new { t = (string?)null }),
            required: call.GetProperty("mandatory").EnumerateArray().Select(m => m.GetString()!).ToArray());
        var comment = Object(create.GetProperty("body").GetProperty("comment").GetProperty("documented_fields").EnumerateArray()
            .ToDictionary(f => f.GetString()!, f => f.GetString() == "call_fields" ? (object)new { t = "array", i = new { t = "string" } } : new { t = "string" }));

        yield return new Operation("Zendesk TPE CreateCall", "POST", "/api/v2/calls", NoParameters,
            Element(Object(new Dictionary<string, object> { ["call"] = callShape, ["comment"] = comment }, required: ["call"])), bodyless: false);
        yield return new Operation("Zendesk TPE ShowCall", "GET", "/api/v2/calls/{call_id}", NoParameters, null, bodyless: true);
        yield return new Operation("Zendesk TPE UpdateCall", "PATCH", "/api/v2/calls/{call_id}", NoParameters,
            Element(Object(new Dictionary<string, object> { ["call"] = Object(fields.ToDictionary(f => f, _ => (object)new { t = (string?)null })) }, required: ["call"])), bodyless: false);
        yield return new Operation("Zendesk TPE CreateCallComment", "POST", "/api/v2/calls/{call_id}/comments", NoParameters, Element(comment), bodyless: false);
    }

    public static IEnumerable<Operation> TokenValidation(string file)
    {
        using var facts = JsonDocument.Parse(File.ReadAllText(file));
        foreach (var op in facts.RootElement.GetProperty("operations").EnumerateArray())
        {
            var url = new Uri(op.GetProperty("url").GetString()!);
            var body = op.GetProperty("body").GetProperty("fields").EnumerateObject().ToDictionary(f => f.Name, _ => (object)new { t = "string" });
            yield return new Operation("Twilio IAM ValidateToken", op.GetProperty("method").GetString()!, Uri.UnescapeDataString(url.AbsolutePath), NoParameters,
                Element(Object(body, required: [.. body.Keys])), bodyless: false);
        }
    }

    private static Dictionary<string, object> Object(Dictionary<string, object> properties, string[]? required = null) => new()
    {
        ["t"] = "object",
        ["a"] = false,
        ["p"] = properties,
        ["req"] = required ?? [],
    };

    private static JsonElement Element(object shape) => JsonSerializer.SerializeToElement(shape);
}
