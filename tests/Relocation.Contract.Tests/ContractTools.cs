using System.Diagnostics;
using Relocation.Api.OpenApi;
using Relocation.Api.Routing;
using Relocation.LocalHost;
using Relocation.LocalHost.Dependencies;

namespace Relocation.Contract.Tests;

/// <summary>
/// The contract tools pinned in <c>tools/contract/package-lock.json</c> (Redocly CLI, swagger-parser, Prism), installed
/// with <c>npm ci</c> on first use as Azurite is, and the OpenAPI document written to a file for them.
/// </summary>
internal static class ContractTools
{
    public static string Directory { get; } = Path.Combine(RepositoryPaths.Root, "tools", "contract");

    public static string PrismEntry => Path.Combine(Directory, "node_modules", "@stoplight", "prism-cli", "dist", "index.js");

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (File.Exists(PrismEntry) && File.Exists(Path.Combine(Directory, "node_modules", ".bin", "redocly")))
            {
                return;
            }

            await using var installLock = await SupervisedProcess.AcquireInstallLockAsync(Path.Combine(Directory, ".install.lock"), CancellationToken.None);
            if (!File.Exists(PrismEntry))
            {
                await SupervisedProcess.RunToEndAsync("npm", "ci --no-audit --no-fund --loglevel=error", Directory, CancellationToken.None);
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    /// <summary>The document the API serves, in a fresh temp file.</summary>
    public static async Task<string> WriteDocumentAsync(string? text = null)
    {
        var path = Path.Combine(Path.GetTempPath(), "relocation-tests", $"openapi-{Guid.NewGuid():N}.json");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text ?? OpenApiDocument.ToText(ApiRouteTable.Discover()));
        return path;
    }

    /// <summary>Runs a tool of <c>tools/contract</c> to its end: its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No colours, no update check: the output is read by the test.
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} could not be started.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
