using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Tickets;

/// <summary>Settings under <c>Notes:</c>.</summary>
public sealed class NoteOptions
{
    public const string Section = "Notes";

    /// <summary>Stages that get an internal note: created, accepted, selected, wrapup, completed, canceled, transfer.</summary>
    public string Stages { get; set; } = "accepted,completed";

    public bool IncludeRecording { get; set; } = true;

    public bool IncludeChatTranscript { get; set; } = true;

    /// <summary>Each note's author is the task's agent (when known); a refused author falls back to the API user.</summary>
    public bool AuthorIsAgent { get; set; } = true;

    /// <summary>A voice task's recording becomes a voice comment on the ticket at completion (unless Zendesk:TalkAppId makes it a call record).</summary>
    public bool VoiceComment { get; set; } = true;

    private ParsedStages? _parsed;

    /// <summary>
    /// <see cref="Stages"/> as a set of lower-case names, parsed once per value (every event asks; a configuration reload
    /// that sets another value is parsed again).
    /// </summary>
    public IReadOnlySet<string> StageSet
    {
        get
        {
            var stages = Stages;
            if (_parsed is { } parsed && ReferenceEquals(parsed.Source, stages))
            {
                return parsed.Set;
            }

            var set = stages.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => s.ToLowerInvariant()).ToFrozenSet();
            _parsed = new ParsedStages(stages, set);
            return set;
        }
    }

    private sealed record ParsedStages(string Source, IReadOnlySet<string> Set);
}

public sealed class NoteOptionsValidator : IValidateOptions<NoteOptions>
{
    public ValidateOptionsResult Validate(string? name, NoteOptions options)
    {
        var unknown = options.StageSet.Except(TaskStages.All).ToList();
        return unknown.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Notes:Stages has unknown stage(s) {string.Join(", ", unknown)}; use {string.Join(", ", TaskStages.All)}.");
    }
}
