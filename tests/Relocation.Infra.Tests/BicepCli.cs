using System.Diagnostics;
using System.Reflection;

namespace Relocation.Infra.Tests;

/// <summary>Runs the Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64).</summary>
internal sealed class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private BicepCli(string executable) => Executable = executable;

    public string Executable { get; }

    public static BicepCli FromRestoredPackage()
    {
        var metadata = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .ToDictionary(a => a.Key, a => a.Value ?? string.Empty, StringComparer.Ordinal);

        // The package writes $(BicepPath) with a Windows separator; normalise for Linux.
        var candidates = new[]
        {
            metadata.GetValueOrDefault("BicepPath", string.Empty),
            Path.Combine(metadata.GetValueOrDefault("BicepPackageRoot", string.Empty), "tools", "bicep"),
        };
        foreach (var candidate in candidates.Where(c => c.Length > 0))
        {
            var path = Path.GetFullPath(candidate.Replace('\\', Path.DirectorySeparatorChar));
            if (File.Exists(path))
            {
                EnsureExecutable(path);
                return new BicepCli(path);
            }
        }

        throw new InvalidOperationException(
            $"Bicep CLI not found (tried {string.Join(", ", candidates)}); run dotnet restore.");
    }

    public BicepResult Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry or update checks from a test run.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {Executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in {Timeout}.");
        }

        return new BicepResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    // Some restore paths (package caches copied between machines, zip artifacts) drop the execute bit.
    private static void EnsureExecutable(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        }
    }
}

internal sealed record BicepResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Diagnostics lines ("file(l,c) : Warning|Error code: message") from either stream.</summary>
    public IReadOnlyList<string> Diagnostics =>
        (StandardError + "\n" + (StandardOutput.TrimStart().StartsWith('{') ? string.Empty : StandardOutput))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Contains(" : Warning ", StringComparison.Ordinal)
                || line.Contains(" : Error ", StringComparison.Ordinal)
                || line.Contains(" : Info ", StringComparison.Ordinal))
            .ToList();
}
