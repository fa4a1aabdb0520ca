using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;
using Relocation.Contract.Tests;
using Relocation.Functions.Workflows;
using Relocation.Storage.Tables;
using Relocation.Testing;

namespace Relocation.Functions.Tests;

/// <summary>
/// The storage design guard over the Functions app's own timers (docs/storage.md): the contract test runs the guard
/// against the local host, whose stand-in loops mark their passes as background jobs, so the Functions timers, marked
/// by <see cref="TimerJobScope"/> instead, were never checked. Here every timer function of the app (found by its
/// trigger, so a new timer is checked as it lands) runs through the app's middleware, in the app's own services, against
/// a real Azurite with the table query log on: each of its reads must be logged as that timer's background job (a read
/// that escapes the scope is judged as a request's), and the guard must find nothing.
/// </summary>
public sealed class FunctionsTimerStorageGuardTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task EveryTimer_ThroughTheAppsMiddleware_ItsReadsAreItsBackgroundJobsAndTheGuardFindsNothing()
    {
        var log = LogFile();
        using var host = await HostAsync(log);
        var middleware = host.Services.GetRequiredService<TimerJobScope>();
        var timers = Timers().ToArray();
        var escaped = new List<string>();
        var reads = new List<TableRead>();

        foreach (var (name, method) in timers)
        {
            var before = Reads(log).Count;
            await middleware.Invoke(TimerJobScopeTests.Context(name, TimerJobScope.TimerTrigger), _ => Invoke(host.Services, method, TimerJobScopeTests.Context(name, TimerJobScope.TimerTrigger)));
            var own = Reads(log).Skip(before).ToArray();
            escaped.AddRange(own.Where(r => r.Scope != "background:" + name).Select(r => $"{name}: {r.ToLine()}"));
            reads.AddRange(own);
        }

        Assert.Contains(timers, t => t.Name == OfferRequestIndexSweepFunction.Name);
        Assert.True(timers.Length >= 10, "timer functions found: " + string.Join(", ", timers.Select(t => t.Name)));
        // The log saw them: the offer-request sweep scans its table, as its timer's job.
        Assert.Contains(reads, r => r is { Kind: TableReadKind.Scan, Table: "OfferRequests" } && r.Scope == "background:" + OfferRequestIndexSweepFunction.Name);
        Assert.True(escaped.Count == 0, "Timer reads outside their background job:\n" + string.Join("\n", escaped));
        Assert.Empty(StorageDesignGuard.Violations(reads));
    }

    [Fact]
    public async Task Timer_RunWithoutTheMiddleware_ItsScanIsAViolation()
    {
        // The negative control: the same timer, not marked, is judged as a request, and its scan is reported.
        var log = LogFile();
        using var host = await HostAsync(log);
        var (name, method) = Timers().Single(t => t.Name == OfferRequestIndexSweepFunction.Name);

        await Invoke(host.Services, method, TimerJobScopeTests.Context(name, TimerJobScope.TimerTrigger));

        Assert.Contains("Scan of OfferRequests", StorageDesignGuard.Violations(Reads(log)));
    }

    private async Task<IHost> HostAsync(string log)
    {
        var host = FunctionsApp.BuildHost(settings: new Dictionary<string, string?>
        {
            ["DataStorage"] = azurite.ConnectionString,
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["StorageDiagnostics:QueryLog"] = log,
        });
        await host.Services.GetRequiredService<StorageInitializer>().EnsureCreatedAsync(CancellationToken.None);
        return host;
    }

    private static string LogFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "relocation-tests", $"functions-timers-{Guid.NewGuid():N}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    private static List<TableRead> Reads(string log) =>
        File.Exists(log) ? [.. File.ReadAllLines(log).Where(l => l.Length > 0).Select(TableRead.Parse)] : [];

    /// <summary>Every function of the app with a timer trigger, by its function name.</summary>
    private static IEnumerable<(string Name, MethodInfo Method)> Timers() =>
        typeof(TimerJobScope).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetParameters().Any(p => p.GetCustomAttribute<TimerTriggerAttribute>() is not null))
            .Select(m => (m.GetCustomAttribute<FunctionAttribute>()!.Name, m))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>Calls the timer as the worker would: its class from the app's services, a timer, a durable client (a mock: nothing is started), the context.</summary>
    private static Task Invoke(IServiceProvider services, MethodInfo method, FunctionContext context)
    {
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        var arguments = method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(TimerInfo) => new TimerInfo(),
            var t when t == typeof(DurableTaskClient) => new Mock<DurableTaskClient>("functions") { DefaultValue = DefaultValue.Empty }.Object,
            var t when t == typeof(FunctionContext) => (object)context,
            var t => throw new InvalidOperationException($"A timer parameter this test cannot supply: {t.Name}"),
        }).ToArray();
        return (Task)method.Invoke(target, arguments)!;
    }
}
