namespace Relocation.Infra.Tests;

/// <summary>Finds the repository root from the test output folder, wherever the repo is cloned.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string Path => Root.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Locate()
    {
        // .git is a directory in a clone but a file in a worktree, so test for both.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Relocation.sln"))
                || Directory.Exists(System.IO.Path.Combine(dir.FullName, ".git"))
                || File.Exists(System.IO.Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Relocation.sln or .git above {AppContext.BaseDirectory}.");
    }
}
