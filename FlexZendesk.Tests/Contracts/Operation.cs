using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FlexZendesk.Tests.Contracts;

/// <summary>
/// One operation described by a facts file's shapes (Zendesk's Support description as distilled in
/// <c>shared/contracts</c>, and the facts of the operations no description covers): keys <c>t</c> type, <c>p</c>
/// properties, <c>i</c> items, <c>a</c> additional properties allowed, <c>max</c>, <c>enum</c>, and <c>req</c> (required
/// properties, given by the facts files).
/// </summary>
/// <param name="body">The body's shape; null when the description gives none (<paramref name="bodyless"/> then says whether it takes none).</param>
/// <param name="bodyless">The operation takes no body (a GET, DELETE, or a POST documented without one, such as the screen pops).</param>
internal sealed class Operation(string name, string method, string path, JsonElement parameters, JsonElement? body, bool bodyless)
{
    private readonly Regex _path = VendorContracts.Template(path);

    public string Name { get; } = name;

    /// <summary>How many parameters the path template has: fewer is more specific.</summary>
    public int Parameters { get; } = path.Count(c => c == '{');

    public bool Matches(string requestMethod, string requestPath) =>
        string.Equals(method, requestMethod, StringComparison.OrdinalIgnoreCase) && _path.IsMatch(requestPath);

    public Verdict Judge(VendorRequest request)
    {
        var errors = new List<string>();
        foreach (var (key, value) in VendorContracts.QueryPairs(request.Query))
        {
            // A deep-object parameter (Zendesk's cursor paging: page[size], page[after]) is declared by its root name.
            var root = key.Split('[')[0];
            if (!parameters.TryGetProperty(root, out var declared) || declared.GetProperty("in").GetString() != "query")
            {
                errors.Add($"{request}: query parameter '{key}' is not declared for {Name}");
                continue;
            }

            if (declared.TryGetProperty("max", out var max) && decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) && number > max.GetDecimal())
            {
                errors.Add($"{request}: query parameter '{key}' = {value} is above its maximum {max.GetDecimal()}");
            }
        }

        if (method is "POST" or "PUT" or "PATCH" && Name.StartsWith("Zendesk", StringComparison.Ordinal)
            && !(request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            // Zendesk's API docs: every write carries Content-Type: application/json, with a body or without one.
            errors.Add($"{request}: a Zendesk write without Content-Type: application/json (sent '{request.ContentType}')");
        }

        if (body is { } shape)
        {
            if (string.IsNullOrEmpty(request.Body))
            {
                errors.Add($"{request}: {Name} takes a body and none was sent");
            }
            else if (!(request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{request}: body sent as '{request.ContentType}', {Name} takes application/json");
                return new Verdict(Name, errors);
            }
            else
            {
                using var sent = JsonDocument.Parse(request.Body);
                Check(sent.RootElement, shape, "body", errors, request);
            }
        }
        else if (bodyless && !string.IsNullOrEmpty(request.Body))
        {
            errors.Add($"{request}: {Name} takes no body, and one was sent");
        }

        return new Verdict(Name, errors) { Unjudged = body is null && !bodyless && !string.IsNullOrEmpty(request.Body) ? "its body (the description gives no shape)" : null };
    }

    /// <summary>A value against a shape: its type, each property declared at its level, required ones present, limits.</summary>
    internal static void Check(JsonElement value, JsonElement shape, string at, List<string> errors, VendorRequest request)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        var type = shape.TryGetProperty("t", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var hasProperties = shape.TryGetProperty("p", out var properties);
        if (value.ValueKind == JsonValueKind.Object && (type == "object" || hasProperties))
        {
            var open = !shape.TryGetProperty("a", out var a) || a.ValueKind != JsonValueKind.False || !hasProperties;
            foreach (var field in value.EnumerateObject())
            {
                if (hasProperties && properties.TryGetProperty(field.Name, out var inner))
                {
                    Check(field.Value, inner, $"{at}.{field.Name}", errors, request);
                }
                else if (!open)
                {
                    errors.Add($"{request}: field '{at}.{field.Name}' is not declared at that level");
                }
            }

            if (shape.TryGetProperty("req", out var required))
            {
                foreach (var name in required.EnumerateArray().Select(r => r.GetString()!).Where(r => !value.TryGetProperty(r, out _)))
                {
                    errors.Add($"{request}: required field '{at}.{name}' is missing");
                }
            }

            return;
        }

        if (!TypeFits(value, type))
        {
            errors.Add($"{request}: field '{at}' is {value.ValueKind}, declared {type}");
            return;
        }

        if (value.ValueKind == JsonValueKind.Array && shape.TryGetProperty("i", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(item, items, $"{at}[{index++}]", errors, request);
            }
        }

        if (shape.TryGetProperty("max", out var max) && value.ValueKind == JsonValueKind.Number && value.GetDecimal() > max.GetDecimal())
        {
            errors.Add($"{request}: field '{at}' = {value} is above its maximum {max}");
        }

        if (shape.TryGetProperty("enum", out var allowed) && value.ValueKind == JsonValueKind.String
            && !allowed.EnumerateArray().Any(e => e.GetString() == value.GetString()))
        {
            errors.Add($"{request}: field '{at}' = '{value.GetString()}' is not one of its allowed values");
        }
    }

    private static bool TypeFits(JsonElement value, string? type) => type switch
    {
        null => true,
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        _ => true,
    };
}
