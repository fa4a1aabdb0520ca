using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Relocation.LocalHost.Azurite;
using Relocation.LocalHost.Engine;

namespace Relocation.LoadDriver;

/// <summary>
/// The floor: a bare Durable Task orchestration with the same shape as one urgent relocation (the same number of
/// activity calls and external events), on the same engine, the same Azurite and the same settings as the local host,
/// with no application code. What ours costs above this is ours.
/// </summary>
internal static class Floor
{
    public const int StatesAsked = 5;

    public static async Task<RunResult> RunAsync(string connectionString, int cases, CancellationToken cancellationToken)
    {
        var sidecarPort = AzuriteServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenForSidecar(sidecarPort));
        using var loggerFactory = LoggerFactory.Create(_ => { });
        var engine = DurableEngine.CreateAzureStorage(connectionString, "floor-worker", loggerFactory, "FloorHub");
        builder.Services.AddDurableEngine(engine, sidecarPort, r =>
        {
            r.AddOrchestrator<FloorOrchestrator>();
            r.AddActivity<FloorActivity>();
        });
        await using var app = builder.Build();
        await engine.Service.CreateIfNotExistsAsync();
        app.MapGrpcService<Microsoft.DurableTask.Testing.Sidecar.Grpc.TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken);
        var client = app.Services.GetRequiredService<DurableTaskClient>();
        await WarmUpAsync(client, cancellationToken);

        var dispatched = new List<double>();
        var held = new List<double>();
        var total = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, cases), new ParallelOptions { MaxDegreeOfParallelism = cases, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var id = $"floor-{Guid.NewGuid():N}";
            var watch = Stopwatch.StartNew();
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(FloorOrchestrator), new StartOrchestrationOptions(id), ct);
            await WaitForStatusAsync(client, id, "offers-dispatched", ct);
            lock (dispatched)
            {
                dispatched.Add(watch.Elapsed.TotalMilliseconds);
            }

            for (var s = 0; s < StatesAsked; s++)
            {
                await client.RaiseEventAsync(id, "response", s, ct);
            }

            await WaitForStatusAsync(client, id, "awaiting-acceptance", ct);
            var accepted = Stopwatch.StartNew();
            await client.RaiseEventAsync(id, "acceptance", 0, ct);
            await WaitForStatusAsync(client, id, "held", ct);
            lock (held)
            {
                held.Add(accepted.Elapsed.TotalMilliseconds);
            }

            await client.RaiseEventAsync(id, "arrival", 0, ct);
            await WaitForCompletionAsync(client, id, ct);
        });
        total.Stop();
        await app.StopAsync(cancellationToken);
        return new RunResult("floor", cases, total.Elapsed, dispatched, held);
    }

    /// <summary>The sidecar may still be binding its port when the host says it started: wait until the client gets an answer.</summary>
    private static async Task WarmUpAsync(DurableTaskClient client, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.GetInstanceAsync("warm-up", ct);
                return;
            }
            catch (Grpc.Core.RpcException) when (attempt < 50)
            {
                await Task.Delay(100, ct);
            }
        }
    }

    internal static async Task WaitForStatusAsync(DurableTaskClient client, string id, string status, CancellationToken ct)
    {
        while (true)
        {
            var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
            if (instance?.SerializedCustomStatus is { } custom && custom.Contains(status, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(25, ct);
        }
    }

    private static async Task WaitForCompletionAsync(DurableTaskClient client, string id, CancellationToken ct)
    {
        while ((await client.GetInstanceAsync(id, ct))?.RuntimeStatus is not OrchestrationRuntimeStatus.Completed)
        {
            await Task.Delay(25, ct);
        }
    }
}

/// <summary>
/// The same steps as ours, one activity for each of ours: start the round; after each response, check the round;
/// after the acceptance, accept (hold and commit) then notify the others; after the arrival, complete it.
/// </summary>
internal sealed class FloorOrchestrator : TaskOrchestrator<object?, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, object? input)
    {
        await context.CallActivityAsync<int>(nameof(FloorActivity), 0);
        context.SetCustomStatus("offers-dispatched");
        for (var s = 0; s < Floor.StatesAsked; s++)
        {
            await context.WaitForExternalEvent<int>("response");
            await context.CallActivityAsync<int>(nameof(FloorActivity), s);
        }

        context.SetCustomStatus("awaiting-acceptance");
        await context.WaitForExternalEvent<int>("acceptance");
        await context.CallActivityAsync<int>(nameof(FloorActivity), 1);
        context.SetCustomStatus("held");
        await context.CallActivityAsync<int>(nameof(FloorActivity), 2);
        await context.WaitForExternalEvent<int>("arrival");
        await context.CallActivityAsync<int>(nameof(FloorActivity), 3);
        return 0;
    }
}

internal sealed class FloorActivity : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input);
}
