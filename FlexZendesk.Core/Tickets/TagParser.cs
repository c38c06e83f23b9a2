using System.Text;
using System.Text.Json;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// Reads <c>zdCustomTags</c> in every shape Flex setups send: a JSON array, a string holding a JSON array, Twilio's
/// own <c>"[a b ]"</c>, or a comma/space separated list; and normalises to Zendesk's tag rules.
/// </summary>
public static class TagParser
{
    public static List<string> Parse(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => Normalise(value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
        JsonValueKind.String => Parse(value.GetString()),
        _ => [],
    };

    public static List<string> Parse(string? text)
    {
        var trimmed = text?.Trim() ?? "";
        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                return Parse(document.RootElement);
            }
            catch (JsonException)
            {
                trimmed = trimmed[1..^1];
            }
        }

        return Normalise(trimmed.Split([',', ' ', ';', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Lower case, no spaces (Zendesk splits on them), only characters tags keep; empties and duplicates dropped.</summary>
    public static List<string> Normalise(IEnumerable<string?> tags)
    {
        var result = new List<string>();
        foreach (var tag in tags)
        {
            var clean = new StringBuilder();
            foreach (var c in (tag ?? "").Trim().ToLowerInvariant())
            {
                if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ':' or '/' or '.')
                {
                    clean.Append(c);
                }
                else if (char.IsWhiteSpace(c))
                {
                    clean.Append('_');
                }
            }

            var normal = clean.ToString().Trim('_');
            if (normal.Length > 0 && normal.Length <= 80 && !result.Contains(normal))
            {
                result.Add(normal);
            }
        }

        return result;
    }
}
