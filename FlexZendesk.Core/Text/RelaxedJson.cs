using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlexZendesk.Core.Text;

/// <summary>
/// JSON written as a person (or Flex) wrote it: '+', quotes and non-ASCII stay as they are instead of becoming
/// \uXXXX. For text shown to agents and attributes written back to Twilio, never for HTML.
/// </summary>
public static class RelaxedJson
{
    public static string Write(JsonElement element, bool indented) => Write(element.WriteTo, indented);

    public static string Write(JsonNode node, bool indented) => Write(writer => node.WriteTo(writer), indented);

    private static string Write(Action<Utf8JsonWriter> write, bool indented)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
