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

    [Fact]
    public async Task Token_FocalPointWithoutState_RefusedLikeTheConsoleSignIn()
    {
        // Such a token would be refused on every route of a State ("You may act only for your own State"); /dev/token
        // already refuses it, so the command line says so up front instead of printing a token that cannot work.
        var (exitCode, output, error) = await RunAsync("token", "--role", "State.FocalPoint");

        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Contains("state: A focal point acts for a State", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_FocalPointWithState_PrintsOnlyTheToken()
    {
        var (exitCode, output, _) = await RunAsync("token", "--role", "State.FocalPoint", "--state", "NOR");

        Assert.Equal(0, exitCode);
        Assert.Equal(3, output.Trim().Split('.').Length);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(LocalHostProcess.EntryAssembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
