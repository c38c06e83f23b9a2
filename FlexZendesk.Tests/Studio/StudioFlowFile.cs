using System.Text.Json;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.Tests.Studio;

/// <summary>A Studio flow of infra/studio, read as Studio imports it: its widgets by name and where each leads.</summary>
internal sealed class StudioFlowFile(string fileName)
{
    public JsonElement Flow { get; } = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "studio", fileName))).RootElement;

    public Dictionary<string, JsonElement> States() =>
        Flow.GetProperty("states").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);

    public static IEnumerable<string> Next(JsonElement state) =>
        state.GetProperty("transitions").EnumerateArray().Where(t => t.TryGetProperty("next", out _)).Select(t => t.GetProperty("next").GetString()!);
}
