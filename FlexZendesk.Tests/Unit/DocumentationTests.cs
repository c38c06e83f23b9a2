using System.Text.RegularExpressions;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.UnitTests;

/// <summary>The README stays a short front page, and no link in it or in docs/ points nowhere.</summary>
[Category("Unit")]
public sealed partial class DocumentationTests
{
    private static IEnumerable<string> Pages() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md")
            .Append(Path.Combine(RepoPaths.Root, "README.md"))
            .Append(Path.Combine(RepoPaths.Root, "infra", "README.md"))
            .Order(StringComparer.Ordinal);

    [Test]
    public void TheReadmeIsAShortFrontPage()
    {
        var readme = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"));
        Assert.That(readme, Has.Length.LessThanOrEqualTo(150), "a new feature gets a docs/ page and a line in the README's table");
    }

    [Test]
    public void EveryRelativeLinkFindsItsFileAndHeading()
    {
        var broken = new List<string>();
        foreach (var page in Pages())
        {
            foreach (Match link in Link().Matches(File.ReadAllText(page)))
            {
                var target = link.Groups["path"].Value;
                if (target.StartsWith("http", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var file = target.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, target));
                var anchor = link.Groups["anchor"].Value;
                var name = Path.GetRelativePath(RepoPaths.Root, page) + ": " + link.Value;
                if (!File.Exists(file) && !Directory.Exists(file))
                {
                    broken.Add(name + " (no such file)");
                }
                else if (anchor.Length > 0 && file.EndsWith(".md", StringComparison.Ordinal)
                    && !Heading().Matches(File.ReadAllText(file)).Select(h => Slug(h.Groups["text"].Value)).Contains(anchor))
                {
                    broken.Add(name + " (no such heading)");
                }
            }
        }

        Assert.That(broken, Is.Empty);
    }

    /// <summary>GitHub's heading anchor: lower case, punctuation dropped, each space a hyphen.</summary>
    private static string Slug(string heading) =>
        string.Concat(heading.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is '-' or '_' or ' ')).Replace(' ', '-');

    [GeneratedRegex(@"\]\((?<path>[^)#\s]*)(?:#(?<anchor>[^)\s]+))?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#+ (?<text>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
