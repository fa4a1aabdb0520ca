using System.Diagnostics;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Relocation.Workflows.Common;
using Xunit.Abstractions;

namespace Relocation.Functions.Tests;

/// <summary>
/// The Functions app must start: these tests build its real host through <see cref="RelocationFunctionsApp.Configure"/>
/// (what <c>Program.cs</c> runs), and start the built worker itself, so a package pair that cannot load, or a registration
/// that cannot be constructed, fails here rather than in Azure.
/// </summary>
public sealed class StartupTests(ITestOutputHelper output)
{
    private const string HostEndpointMissing = "Configuration is missing the 'HostEndpoint'";

    public static TheoryData<string> FunctionClasses => new(
        typeof(RelocationFunctionsApp).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal));

    [Fact]
    public void Configure_WithSampleSettings_BuildsValidatedContainerAndPassesOptionValidation()
    {
        using var host = BuildHost();

        // ValidateOnStart options (auth, workflow clocks, storage) are checked here as the host would at start.
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        Assert.NotEmpty(host.Services.GetServices<IHostedService>());
    }

    [Theory]
    [MemberData(nameof(FunctionClasses))]
    public void Configure_EveryFunctionClass_IsCreatedFromTheContainer(string typeName)
    {
        using var host = BuildHost();
        using var scope = host.Services.CreateScope();
        var type = typeof(RelocationFunctionsApp).Assembly.GetType(typeName, throwOnError: true)!;

        // The worker's default activator does the same: constructor injection from the invocation's scope.
        var instance = type.IsAbstract ? type : ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);

        Assert.NotNull(instance);
    }

    [Fact]
    public void Configure_EveryActivityAndOrchestrator_IsCreatedFromTheContainer()
    {
        using var host = BuildHost();
        using var scope = host.Services.CreateScope();

        var activities = WorkflowCatalog.Activities.Select(t => scope.ServiceProvider.GetRequiredService(t)).ToArray();
        var orchestrators = WorkflowCatalog.Orchestrators.Select(t => ActivatorUtilities.CreateInstance(scope.ServiceProvider, t)).ToArray();

        Assert.Equal(WorkflowCatalog.Activities.Count, activities.Length);
        Assert.Equal(WorkflowCatalog.Orchestrators.Count, orchestrators.Length);
        Assert.NotEmpty(activities);
        Assert.NotEmpty(orchestrators);
    }

    /// <summary>
    /// Runs <c>dotnet Relocation.Functions.dll</c> with the sample settings and no Functions host. The only way it can get
    /// as far as asking for the host endpoint is that <c>Program</c>, every package it loads and the whole container built.
    /// </summary>
    [Fact]
    public async Task BuiltWorker_StartedWithoutFunctionsHost_GetsAsFarAsAskingForTheHostEndpoint()
    {
        var dll = Path.Combine(FunctionsApp.OutputDirectory, "Relocation.Functions.dll");
        Assert.True(File.Exists(dll), $"Build the Functions app first: {dll} is missing.");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = FunctionsApp.OutputDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var (name, value) in FunctionsApp.SampleSettings())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        var text = await stdout + await stderr;
        output.WriteLine(text.Length > 4000 ? text[..4000] : text);
        Assert.Contains(HostEndpointMissing, text, StringComparison.Ordinal);
        Assert.DoesNotContain("TypeLoadException", text, StringComparison.Ordinal);
    }

    private static IHost BuildHost() => FunctionsApp.BuildHost();
}
