using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Relocation.Functions.Http;
using Relocation.Workflows.Common;

namespace Relocation.Functions.Tests;

/// <summary>
/// Reads the <c>functions.metadata</c> the Functions SDK generates, which is what the Functions host indexes in Azure:
/// one HTTP trigger serves the whole route table, and every orchestrator and activity of the workflow catalog has its
/// trigger, with nothing extra.
/// </summary>
/// <remarks>
/// The orchestrator and activity shims stay hand-written, one line each, and this test is what keeps them in step with
/// the catalog: Microsoft.DurableTask.Generators (which would generate them) is not served here, and an in-repo source
/// generator for 14 one-line shims would be more code to own than the shims; a missing, extra or mistyped shim fails here.
/// </remarks>
public sealed class FunctionsMetadataTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly Lazy<FunctionEntry[]> Metadata = new(Load);

    public static TheoryData<string> Activities => new(WorkflowCatalog.Activities.Select(WorkflowCatalog.NameOf));

    [Fact]
    public void HttpTrigger_ExactlyOne_CatchAllRouteForEveryMethod()
    {
        var http = Metadata.Value.Where(f => f.Bindings.Any(b => b.Type == "httpTrigger")).ToArray();

        var function = Assert.Single(http);
        var trigger = Assert.Single(function.Bindings, b => b.Type == "httpTrigger");
        Assert.Equal(ApiFunction.Name, function.Name);
        Assert.Equal("{*path}", trigger.Route);
        Assert.True(trigger.Methods is null or { Count: 0 }, "no method list: the trigger takes every method");
        Assert.Equal("Anonymous", trigger.AuthLevel);
    }

    [Fact]
    public void OrchestrationTriggers_MatchTheWorkflowCatalogExactly()
    {
        var shims = Metadata.Value.Where(f => f.Bindings.Any(b => b.Type == "orchestrationTrigger")).Select(f => f.Name).Order(StringComparer.Ordinal);

        Assert.Equal(WorkflowCatalog.Orchestrators.Select(WorkflowCatalog.NameOf).Order(StringComparer.Ordinal), shims);
    }

    [Fact]
    public void TimerTrigger_UnscheduledCaseSweeper_EveryMinuteWithADurableClient()
    {
        var function = Assert.Single(Metadata.Value, f => f.Name == Relocation.Functions.Workflows.UnscheduledCaseSweeperFunction.Name);

        Assert.Equal("0 * * * * *", Assert.Single(function.Bindings, b => b.Type == "timerTrigger").Schedule);
        Assert.Single(function.Bindings, b => b.Type == "durableClient");
    }

    [Fact]
    public void TimerTrigger_OfferRequestIndexSweep_EveryTenMinutes()
    {
        var function = Assert.Single(Metadata.Value, f => f.Name == Relocation.Functions.Workflows.OfferRequestIndexSweepFunction.Name);

        Assert.Equal("0 */10 * * * *", Assert.Single(function.Bindings, b => b.Type == "timerTrigger").Schedule);
    }

    [Fact]
    public void TimerTrigger_CommitmentIntentSweep_EveryFiveMinutes()
    {
        var function = Assert.Single(Metadata.Value, f => f.Name == Relocation.Functions.Workflows.CommitmentIntentSweepFunction.Name);

        Assert.Equal("0 */5 * * * *", Assert.Single(function.Bindings, b => b.Type == "timerTrigger").Schedule);
    }

    [Fact]
    public void TimerTrigger_VerifyAudit_EveryTenMinutes()
    {
        var function = Assert.Single(Metadata.Value, f => f.Name == AuditVerifyFunction.Name);

        Assert.Equal("0 */10 * * * *", Assert.Single(function.Bindings, b => b.Type == "timerTrigger").Schedule);
    }

    [Fact]
    public void TimerTrigger_SealYears_DailyAt0350()
    {
        var function = Assert.Single(Metadata.Value, f => f.Name == YearSealFunction.Name);

        Assert.Equal("0 50 3 * * *", Assert.Single(function.Bindings, b => b.Type == "timerTrigger").Schedule);
    }

    [Fact]
    public void RouteTable_ServedByTheFunctionsApp_HasNoDevelopmentSignInOrTokenRoute()
    {
        // The Functions app serves exactly the route table; development sign-in belongs to the local host only.
        var templates = Relocation.Api.Routing.ApiRouteTable.Discover().All.Select(r => r.Template);

        Assert.DoesNotContain(templates, t => t.Contains("token", StringComparison.OrdinalIgnoreCase) || t.Contains("signin", StringComparison.OrdinalIgnoreCase)
            || t.Contains("sign-in", StringComparison.OrdinalIgnoreCase) || t.StartsWith("dev", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void ActivityTriggers_MatchTheWorkflowCatalogExactly()
    {
        var shims = Metadata.Value.Where(f => f.Bindings.Any(b => b.Type == "activityTrigger")).Select(f => f.Name).Order(StringComparer.Ordinal);

        Assert.Equal(WorkflowCatalog.Activities.Select(WorkflowCatalog.NameOf).Order(StringComparer.Ordinal), shims);
    }

    [Theory]
    [MemberData(nameof(Activities))]
    public void ActivityShim_TakesAndReturnsTheActivityTypes(string name)
    {
        var activity = WorkflowCatalog.Activities.Single(t => t.Name == name);
        var types = GenericArguments(activity, typeof(TaskActivity<,>));

        var shim = ShimMethod(name);

        var trigger = Assert.Single(shim.GetParameters(), p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null);
        Assert.Equal(types[0], trigger.ParameterType);
        Assert.Equal(typeof(Task<>).MakeGenericType(types[1]), shim.ReturnType);
    }

    [Fact]
    public void OrchestratorShims_ReturnTheOrchestratorOutput()
    {
        foreach (var orchestrator in WorkflowCatalog.Orchestrators)
        {
            var types = GenericArguments(orchestrator, typeof(TaskOrchestrator<,>));

            var shim = ShimMethod(orchestrator.Name);

            Assert.Single(shim.GetParameters(), p => p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null);
            Assert.Equal(typeof(Task<>).MakeGenericType(types[1]), shim.ReturnType);
        }
    }

    [Fact]
    public void Metadata_HostJsonAndSettingsSample_AreInTheAppOutput()
    {
        var output = FunctionsApp.OutputDirectory;

        Assert.True(File.Exists(Path.Combine(output, "host.json")));
        Assert.True(File.Exists(Path.Combine(output, "local.settings.sample.json")));
    }

    private static MethodInfo ShimMethod(string functionName) =>
        Assert.Single(typeof(RelocationFunctionsApp).Assembly.GetTypes().SelectMany(t => t.GetMethods()),
            m => m.GetCustomAttribute<FunctionAttribute>()?.Name == functionName);

    private static Type[] GenericArguments(Type type, Type openBase)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == openBase)
            {
                return t.GetGenericArguments();
            }
        }

        throw new InvalidOperationException($"{type.Name} does not derive from {openBase.Name}.");
    }

    private static FunctionEntry[] Load()
    {
        var path = Path.Combine(FunctionsApp.OutputDirectory, "functions.metadata");
        var entries = JsonSerializer.Deserialize<FunctionEntry[]>(File.ReadAllText(path), Json);
        return entries ?? [];
    }

    private sealed record FunctionEntry(string Name, IReadOnlyList<Binding> Bindings);

    private sealed record Binding(string Type, string? Route, IReadOnlyList<string>? Methods, string? AuthLevel, string? Schedule);
}
