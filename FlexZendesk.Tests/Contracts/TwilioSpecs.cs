using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;

namespace FlexZendesk.Tests.Contracts;

/// <summary>
/// Twilio's published OpenAPI descriptions of the products FlexZendesk calls (TaskRouter v1, the 2010 API's calls and
/// recordings, Conversations v1), read with Microsoft.OpenApi: paths, query and path parameters with their limits,
/// form bodies, and the answers' properties.
/// </summary>
internal sealed class TwilioSpecs
{
    public static readonly string[] Files = ["twilio_taskrouter_v1.json", "twilio_api_v2010.json", "twilio_conversations_v1.json"];

    private readonly List<(string Spec, string Template, Regex Path, HttpMethod Method, OpenApiOperation Operation, IList<IOpenApiParameter> PathParameters)> _operations = [];

    public TwilioSpecs(string dir)
    {
        foreach (var file in Files)
        {
            using var stream = File.OpenRead(Path.Combine(dir, file));
            var read = OpenApiDocument.Load(ToMemory(stream), "json");
            var document = read.Document ?? throw new InvalidOperationException($"{file}: not an OpenAPI description ({string.Join("; ", read.Diagnostic?.Errors.Select(e => e.Message) ?? [])})");
            foreach (var (template, item) in document.Paths)
            {
                foreach (var (method, operation) in item.Operations ?? [])
                {
                    _operations.Add((file, template, VendorContracts.Template(template), method, operation, item.Parameters ?? []));
                }
            }
        }
    }

    public int Count => _operations.Count;

    public Verdict Judge(VendorRequest request)
    {
        var candidates = _operations.Where(o => o.Method.Method.Equals(request.Method, StringComparison.OrdinalIgnoreCase) && o.Path.IsMatch(request.Path)).ToList();
        if (candidates.Count == 0)
        {
            return new Verdict("Twilio ?", [$"{request}: no such operation in Twilio's published OpenAPI ({string.Join(", ", Files)})"]);
        }

        // A literal segment beats a parameter: the most specific template is the operation.
        var (spec, template, _, _, operation, pathParameters) = candidates.OrderBy(c => c.Template.Count(ch => ch == '{')).First();
        var name = $"Twilio {operation.OperationId}";
        var errors = new List<string>();
        var parameters = (operation.Parameters ?? []).Concat(pathParameters).ToList();
        JudgePath(request, template, parameters, errors);
        foreach (var (key, value) in VendorContracts.QueryPairs(request.Query))
        {
            if (parameters.FirstOrDefault(p => p.In == ParameterLocation.Query && p.Name == key) is not { } declared)
            {
                errors.Add($"{request}: query parameter '{key}' is not declared for {name} ({spec})");
                continue;
            }

            JudgeValue(request, $"query parameter '{key}'", value, declared.Schema, errors);
        }

        JudgeForm(request, name, operation, errors);
        return new Verdict(name, errors);
    }

    /// <summary>The answer's properties that the description does not declare (the sandbox must not invent what Twilio never sends).</summary>
    public IReadOnlyList<string> UndeclaredAnswerFields(VendorRequest request)
    {
        var match = _operations.Where(o => o.Method.Method.Equals(request.Method, StringComparison.OrdinalIgnoreCase) && o.Path.IsMatch(request.Path))
            .OrderBy(c => c.Template.Count(ch => ch == '{')).Select(o => o.Operation).FirstOrDefault();
        if (match?.Responses is null || string.IsNullOrEmpty(request.Answer)
            || !match.Responses.TryGetValue(request.Status.ToString(CultureInfo.InvariantCulture), out var response)
            || response.Content?.Values.FirstOrDefault()?.Schema is not { } schema)
        {
            return [];
        }

        using var answer = JsonDocument.Parse(request.Answer);
        var undeclared = new List<string>();
        Undeclared(answer.RootElement, schema, "answer", undeclared);
        return undeclared;
    }

    private static void Undeclared(JsonElement value, IOpenApiSchema schema, string at, List<string> undeclared)
    {
        if (value.ValueKind == JsonValueKind.Object && schema.Properties is { Count: > 0 } properties)
        {
            foreach (var field in value.EnumerateObject())
            {
                if (properties.TryGetValue(field.Name, out var inner))
                {
                    Undeclared(field.Value, inner, $"{at}.{field.Name}", undeclared);
                }
                else
                {
                    undeclared.Add($"{at}.{field.Name}");
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Array && schema.Items is { } items)
        {
            foreach (var item in value.EnumerateArray().Take(1))
            {
                Undeclared(item, items, at + "[]", undeclared);
            }
        }
    }

    private static void JudgePath(VendorRequest request, string template, List<IOpenApiParameter> parameters, List<string> errors)
    {
        var names = template.Split('/');
        var values = request.Path.Split('/');
        for (var i = 0; i < names.Length && i < values.Length; i++)
        {
            if (names[i].IndexOf('{', StringComparison.Ordinal) is var open and >= 0)
            {
                var close = names[i].IndexOf('}', StringComparison.Ordinal);
                var name = names[i][(open + 1)..close];
                var value = values[i][open..^(names[i].Length - close - 1)];
                if (parameters.FirstOrDefault(p => p.In == ParameterLocation.Path && p.Name == name) is { } declared)
                {
                    JudgeValue(request, $"path parameter '{name}'", Uri.UnescapeDataString(value), declared.Schema, errors);
                }
            }
        }
    }

    private static void JudgeForm(VendorRequest request, string name, OpenApiOperation operation, List<string> errors)
    {
        var form = operation.RequestBody?.Content?.TryGetValue("application/x-www-form-urlencoded", out var media) == true ? media.Schema : null;
        if (form is null)
        {
            if (!string.IsNullOrEmpty(request.Body))
            {
                errors.Add($"{request}: {name} takes no body, and one was sent");
            }

            return;
        }

        if (!(request.ContentType ?? "").StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{request}: body sent as '{request.ContentType}', {name} takes a form");
            return;
        }

        var fields = VendorContracts.QueryPairs(request.Body ?? "");
        foreach (var (key, value) in fields)
        {
            if (form.Properties?.TryGetValue(key, out var declared) != true)
            {
                errors.Add($"{request}: form field '{key}' is not declared for {name}");
                continue;
            }

            JudgeValue(request, $"form field '{key}'", value, declared, errors);
        }

        foreach (var required in (form.Required ?? new HashSet<string>()).Where(r => fields.All(f => f.Name != r)))
        {
            errors.Add($"{request}: required form field '{required}' is missing");
        }
    }

    private static void JudgeValue(VendorRequest request, string what, string value, IOpenApiSchema? schema, List<string> errors)
    {
        if (schema is null)
        {
            return;
        }

        if (schema.Type is { } type && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            if (!decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
            {
                errors.Add($"{request}: {what} = '{value}' is not a number");
                return;
            }

            if (Limit(schema.Maximum) is { } max && number > max)
            {
                errors.Add($"{request}: {what} = {value} is above its published maximum {max}");
            }

            if (Limit(schema.Minimum) is { } min && number < min)
            {
                errors.Add($"{request}: {what} = {value} is below its published minimum {min}");
            }
        }

        if (schema.MaxLength is { } maxLength && value.Length > maxLength)
        {
            errors.Add($"{request}: {what} is {value.Length} characters, above its maximum {maxLength}");
        }

        if (schema.Pattern is { Length: > 0 } pattern && !Regex.IsMatch(value, pattern, RegexOptions.CultureInvariant))
        {
            errors.Add($"{request}: {what} = '{value}' does not match {pattern}");
        }

        if (schema.Enum is { Count: > 0 } allowed && !allowed.Any(e => e?.GetValue<string>() == value))
        {
            errors.Add($"{request}: {what} = '{value}' is not one of {string.Join(", ", allowed)}");
        }
    }

    private static decimal? Limit(string? text) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var limit) ? limit : null;

    private static MemoryStream ToMemory(Stream stream)
    {
        var memory = new MemoryStream();
        stream.CopyTo(memory);
        memory.Position = 0;
        return memory;
    }
}
