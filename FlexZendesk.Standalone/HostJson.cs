using System.Text.Json;

namespace FlexZendesk.Standalone;

/// <summary>
/// host.json (copied next to the binaries) as configuration under <c>AzureFunctionsJobHost:</c>, the lowest-priority
/// source, so the numbers both hosts use have one source and the host's own override syntax works here too:
/// <c>AzureFunctionsJobHost__extensions__queues__maxDequeueCount=3</c>.
/// </summary>
public static class HostJson
{
    public const string Prefix = "AzureFunctionsJobHost";

    public static IConfigurationBuilder AddHostJson(this IConfigurationBuilder configuration, string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        using (var document = JsonDocument.Parse(File.ReadAllBytes(path)))
        {
            Flatten(document.RootElement, Prefix, values);
        }

        configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = values });
        return configuration;
    }

    private static void Flatten(JsonElement element, string path, Dictionary<string, string?> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path + ":" + property.Name, values);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, path + ":" + index++, values);
                }

                break;
            default:
                values[path] = element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
                break;
        }
    }
}
