using System.Diagnostics;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Foundation;

/// <summary>The local host's command line as a new user meets it: asking for help is not a mistake.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Run_HelpOption_PrintsTheUsageAndExitsZero(string option)
    {
        var (exitCode, output, error) = await RunAsync(option);

        Assert.Equal(0, exitCode);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains("--storage-port", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unknown option", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownOption_NamesItAndExitsTwo()
    {
        var (exitCode, _, error) = await RunAsync("--prot");

        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown option --prot.", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string argument)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(LocalHostProcess.EntryAssembly);
        start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
