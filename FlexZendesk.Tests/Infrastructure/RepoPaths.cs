namespace FlexZendesk.Tests.Infrastructure;

internal static class RepoPaths
{
    /// <summary>The repository root (the folder holding FlexZendesk.slnx), found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FlexZendesk.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find FlexZendesk.slnx above " + AppContext.BaseDirectory);
    }
}
