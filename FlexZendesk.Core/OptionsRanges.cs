using System.Globalization;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core;

/// <summary>Range checks for hand-written options validators, whose messages must name the key (the generated [Range] validator drops ErrorMessage).</summary>
public static class OptionsRanges
{
    /// <summary>Adds "<paramref name="key"/> must be between <paramref name="min"/> and <paramref name="max"/>." (+ <paramref name="why"/>) when outside.</summary>
    public static ValidateOptionsResultBuilder Range(this ValidateOptionsResultBuilder builder, string key, int value, int min, int max, string? why = null)
    {
        if (value < min || value > max)
        {
            builder.AddError(string.Create(CultureInfo.InvariantCulture, $"{key} must be between {min} and {max}{(why is null ? "" : " " + why)}."));
        }

        return builder;
    }
}
