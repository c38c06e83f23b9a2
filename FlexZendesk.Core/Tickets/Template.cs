using System.Text;
using System.Text.RegularExpressions;

namespace FlexZendesk.Core.Tickets;

/// <summary>
/// <c>{{path}}</c> placeholders over task attributes plus <c>task.sid</c>, <c>task.channel</c>, <c>task.queue</c>,
/// <c>task.worker</c>. Values are inserted as plain text (Zendesk gets <c>body</c>, never <c>html_body</c>),
/// are never re-expanded, and lose control characters; a single-line result also loses line breaks.
/// </summary>
public static partial class Template
{
    public static string Render(string template, TaskContext task, bool singleLine)
    {
        var text = Placeholder().Replace(template, match =>
        {
            var value = match.Groups[1].Value switch
            {
                "task.sid" => task.TaskSid,
                "task.channel" => task.Channel,
                "task.queue" => task.Queue,
                "task.worker" => task.Worker,
                var path => task.Attribute(path),
            };
            return Clean(value ?? "", singleLine);
        });
        return singleLine ? Spaces().Replace(text, " ").Trim() : text.Trim();
    }

    /// <summary>Keeps printable text; single-line values lose CR/LF (no header or subject splitting).</summary>
    public static string Clean(string value, bool singleLine)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c == '\n' && !singleLine)
            {
                builder.Append(c);
            }
            else if (char.IsControl(c))
            {
                builder.Append(' ');
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
