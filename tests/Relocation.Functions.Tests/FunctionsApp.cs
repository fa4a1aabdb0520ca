using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Relocation.Functions.Tests;

/// <summary>Where the built Functions app is, and the settings a Functions host would hand it (the committed sample).</summary>
internal static class FunctionsApp
{
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Relocation.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
        }
    }

    /// <summary>The app's own output folder (same configuration as this test), where the SDK writes functions.metadata.</summary>
    public static string OutputDirectory
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(RepositoryRoot, "functions", "Relocation.Functions", "bin", configuration, "net10.0");
        }
    }

    /// <summary>The <c>Values</c> of <c>local.settings.sample.json</c>, as environment-style names (<c>A__B</c>).</summary>
    public static IReadOnlyDictionary<string, string> SampleSettings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "local.settings.sample.json")));
        return document.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
    }

    /// <summary>The same settings as configuration keys (<c>A:B</c>), for an in-memory configuration source.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> SampleConfiguration() =>
        SampleSettings().Select(p => new KeyValuePair<string, string?>(p.Key.Replace("__", ":", StringComparison.Ordinal), p.Value));

    /// <summary>The app's host as <c>Program.cs</c> builds it, with the sample settings and what a Functions host passes a worker.</summary>
    public static IHost BuildHost(Action<IServiceCollection>? replace = null, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(SampleConfiguration());
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        // What the Functions host passes a worker it starts; nothing connects to it here.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9",
            ["Functions:Worker:WorkerId"] = "startup-test",
            ["Functions:Worker:RequestId"] = "startup-test",
            ["Functions:Worker:GrpcMaxMessageLength"] = "2147483647",
        });
        RelocationFunctionsApp.Configure(builder);
        replace?.Invoke(builder.Services);
        return builder.Build();
    }
}
