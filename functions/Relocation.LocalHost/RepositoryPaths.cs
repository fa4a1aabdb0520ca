namespace Relocation.LocalHost;

/// <summary>Finds the repository root (where <c>Relocation.sln</c> is), so the host works from any working directory.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = Find();

    public static string SettingsSample => Path.Combine(Root, "local.settings.sample.json");

    private static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Relocation.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run the local host from inside the Relocation repository (Relocation.sln not found).");
    }
}
