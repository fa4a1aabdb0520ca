using System.Text.Json;
using Relocation.Api.Routing;
using Relocation.Workflows.Common;

namespace Relocation.Functions.Tests;

/// <summary>
/// Reads the <c>functions.metadata</c> the Functions SDK generates, which is what the Functions host indexes in Azure:
/// every route of the API's route table and every orchestrator and activity must have its trigger there.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly Lazy<FunctionEntry[]> Metadata = new(Load);

    public static TheoryData<string> RouteNames => new(ApiRouteTable.Discover().All.Select(r => r.Name));

    [Theory]
    [MemberData(nameof(RouteNames))]
    public void HttpTrigger_ForEachRoute_HasSameMethodAndRoute(string routeName)
    {
        var route = ApiRouteTable.Discover().Get(routeName);

        var function = Assert.Single(Metadata.Value, f => f.Name == routeName);

        var trigger = Assert.Single(function.Bindings, b => b.Type == "httpTrigger");
        Assert.Equal([route.Method.ToLowerInvariant()], trigger.Methods);
        Assert.Equal(route.Template, trigger.Route);
        Assert.Equal("Anonymous", trigger.AuthLevel);
    }

    [Fact]
    public void HttpTriggers_AllAppearInRouteTable()
    {
        var names = ApiRouteTable.Discover().All.Select(r => r.Name).ToHashSet();

        var extra = Metadata.Value.Where(f => f.Bindings.Any(b => b.Type == "httpTrigger") && !names.Contains(f.Name)).Select(f => f.Name);

        Assert.Empty(extra);
    }

    [Fact]
    public void HttpTriggers_NoDevelopmentSignInOrTokenEndpoint()
    {
        // Development sign-in belongs to the local host only: in Azure, Entra ID issues every token.
        var routes = Metadata.Value.SelectMany(f => f.Bindings).Where(b => b.Type == "httpTrigger").Select(b => b.Route ?? string.Empty);

        Assert.DoesNotContain(routes, r => r.Contains("token", StringComparison.OrdinalIgnoreCase) || r.Contains("signin", StringComparison.OrdinalIgnoreCase)
            || r.Contains("sign-in", StringComparison.OrdinalIgnoreCase) || r.Contains("dev", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void OrchestrationTrigger_ForEachOrchestrator_Exists()
    {
        var missing = WorkflowCatalog.Orchestrators.Select(WorkflowCatalog.NameOf)
            .Where(name => !Metadata.Value.Any(f => f.Name == name && f.Bindings.Any(b => b.Type == "orchestrationTrigger")));

        Assert.Empty(missing);
    }

    [Fact]
    public void ActivityTrigger_ForEachActivity_Exists()
    {
        var missing = WorkflowCatalog.Activities.Select(WorkflowCatalog.NameOf)
            .Where(name => !Metadata.Value.Any(f => f.Name == name && f.Bindings.Any(b => b.Type == "activityTrigger")));

        Assert.Empty(missing);
    }

    [Fact]
    public void Metadata_HostJsonAndSettingsSample_AreInTheAppOutput()
    {
        var output = OutputDirectory();

        Assert.True(File.Exists(Path.Combine(output, "host.json")));
        Assert.True(File.Exists(Path.Combine(output, "local.settings.sample.json")));
    }

    private static string OutputDirectory() => FunctionsApp.OutputDirectory;

    private static FunctionEntry[] Load()
    {
        var path = Path.Combine(OutputDirectory(), "functions.metadata");
        var entries = JsonSerializer.Deserialize<FunctionEntry[]>(File.ReadAllText(path), Json);
        return entries ?? [];
    }

    private sealed record FunctionEntry(string Name, IReadOnlyList<Binding> Bindings);

    private sealed record Binding(string Type, string? Route, IReadOnlyList<string>? Methods, string? AuthLevel);
}
