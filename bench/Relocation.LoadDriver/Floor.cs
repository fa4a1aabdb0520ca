using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Relocation.LocalHost.Azurite;
using Relocation.LocalHost.Engine;

namespace Relocation.LoadDriver;

/// <summary>
/// The floor: a bare Durable Task orchestration doing exactly the engine work one of our Emergency cases does (the same
/// activities, external events and timers, one for one: see bench/README.md), on the same engine, the same Azurite
/// and the same settings as the local host, with no application code. What ours costs above this is ours.
/// The driver learns of progress in-process from the activity that marks it (no status polling), so the floor is the
/// cheapest way to observe the same work: a lower bound.
/// </summary>
internal static class Floor
{
    public const int StatesAsked = 5;

    /// <summary>How many times a case alone (<c>--cases 1</c>) is run, one after the other.</summary>
    public const int Alone = 10;

    public const string HubName = "FloorHub";

    /// <summary>The floor's engine's storage requests (<c>--storage-trace</c>), or null when not traced.</summary>
    public static ConcurrentQueue<string>? Trace { get; set; }

    public static async Task<RunResult> RunAsync(string connectionString, int cases, int sidecarPort, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenForSidecar(sidecarPort));
        using var loggerFactory = LoggerFactory.Create(_ => { });
        // --storage-trace: the floor's engine traces its storage requests as ours' host does (counted by phase after the run).
        var engine = DurableEngine.CreateAzureStorage(connectionString, "floor-worker", loggerFactory, HubName, storageTrace: Trace is null ? null : Trace.Enqueue);
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
        var arrived = new List<double>();
        var ids = new ConcurrentBag<string>();
        // One case first, not measured, so that a run of one measures a warm process (JIT, connections), as a
        // longer run does for all but its first cases; the same for the floor and ours.
        var warmUp = true;
        DateTime burstFrom = default, lastOut = default;
        await RunCaseAsync(cases + Alone, cancellationToken);
        warmUp = false;
        burstFrom = DateTime.UtcNow;
        lastOut = burstFrom;
        var total = Stopwatch.StartNew();
        // A case alone is run Alone times, one after the other, so its median means something on a shared machine.
        for (var repeat = 0; repeat < (cases == 1 ? Alone : 1); repeat++)
        {
            await Parallel.ForEachAsync(Enumerable.Range(repeat, cases), new ParallelOptions { MaxDegreeOfParallelism = cases, CancellationToken = cancellationToken }, RunCaseAsync);
        }

        total.Stop();

        async ValueTask RunCaseAsync(int i, CancellationToken ct)
        {
            var id = $"floor-{Guid.NewGuid():N}";
            if (!warmUp)
            {
                ids.Add(id);
            }

            var offers = FloorSignals.For(id, FloorActivity.OffersOut);
            var holds = FloorSignals.For(id, FloorActivity.Held);
            var arrival = FloorSignals.For(id, FloorActivity.Arrived);
            var watch = Stopwatch.StartNew();
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(FloorOrchestrator), id, new StartOrchestrationOptions(id), ct);
            await offers.WaitAsync(ct);
            lock (dispatched)
            {
                if (!warmUp)
                {
                    dispatched.Add(watch.Elapsed.TotalMilliseconds);
                    lastOut = DateTime.UtcNow > lastOut ? DateTime.UtcNow : lastOut;
                }
            }

            // Ours: the five States offer over HTTP; an offer raises no event (see RelocationCommands.RespondAsync).
            var accepted = Stopwatch.StartNew();
            await client.RaiseEventAsync(id, FloorOrchestrator.EventName, 1, ct);
            await holds.WaitAsync(ct);
            lock (held)
            {
                if (!warmUp)
                {
                    held.Add(accepted.Elapsed.TotalMilliseconds);
                }
            }

            var arriving = Stopwatch.StartNew();
            await client.RaiseEventAsync(id, FloorOrchestrator.EventName, 2, ct);
            await arrival.WaitAsync(ct);
            lock (arrived)
            {
                if (!warmUp)
                {
                    arrived.Add(arriving.Elapsed.TotalMilliseconds);
                }
            }
        }
        // The last episode (the follow-up look's timer) is written just after the point the driver waits for.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var work = await EngineWork.CountAsync(connectionString, HubName, ids.ToArray(), cancellationToken);
        await app.StopAsync(cancellationToken);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"floor, {cases} cases: phases p50 / p95 ms: request→offers {Ours.Phase(dispatched)}, acceptance→hold {Ours.Phase(held)}, arrival→applied {Ours.Phase(arrived)} (no responses, no status reads: the floor learns of progress in-process)"));
        return new RunResult("floor", dispatched.Count, total.Elapsed, dispatched, held) { Work = work, ArrivedMs = arrived, Drained = total.Elapsed, Burst = (burstFrom, lastOut) };
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
}

/// <summary>Progress points the floor's activities mark, awaited by the driver in the same process.</summary>
internal static class FloorSignals
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Points = new(StringComparer.Ordinal);

    public static Task For(string id, string point) =>
        Points.GetOrAdd($"{id}|{point}", _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public static void Mark(string id, string point)
    {
        if (Points.TryRemove($"{id}|{point}", out var done))
        {
            done.TrySetResult();
        }
    }
}

/// <summary>
/// One activity, event and timer for each of ours (RelocationOrchestrator on the path the load takes: an Emergency
/// request whose five asked States all offer, one offer accepted without Special Fund support, then arrival):
/// start the round (one timer for the round's first reminder point, kept while waiting); the acceptance event; take
/// the step, hold, record (the round's timer cancelled); one timer for the placement's look; the arrival event; take
/// the step, apply the arrival; one timer for the placement's follow-up look. A look whose timer fires reads the row
/// (a take) and the next look waits twice as long, as ours does.
/// </summary>
internal sealed class FloorOrchestrator : TaskOrchestrator<string, int>
{
    public const string EventName = "CaseEvent";

    private static readonly TimeSpan FirstLook = TimeSpan.FromMinutes(5);

    public override async Task<int> RunAsync(TaskOrchestrationContext context, string id)
    {
        await context.CallActivityAsync<int>(nameof(FloorActivity), new FloorStep(id, FloorActivity.OffersOut));
        // Ours: the round's timer is its 50% reminder point (12 h for an Emergency), kept while events come.
        await WaitForEventAsync(context, id, TimeSpan.FromHours(12));
        await context.CallActivityAsync<int>(nameof(FloorActivity), new FloorStep(id, "take"));
        await context.CallActivityAsync<int>(nameof(FloorActivity), new FloorStep(id, "hold"));
        await context.CallActivityAsync<int>(nameof(FloorActivity), new FloorStep(id, FloorActivity.Held));
        await WaitForEventAsync(context, id, FirstLook);
        await context.CallActivityAsync<int>(nameof(FloorActivity), new FloorStep(id, "take"));
        await context.CallActivityAsync<int>(nameof(FloorActivity), new FloorStep(id, FloorActivity.Arrived));
        await WaitForEventAsync(context, id, FirstLook);
        return 0;
    }

    private static async Task WaitForEventAsync(TaskOrchestrationContext context, string id, TimeSpan look)
    {
        while (true)
        {
            using var cancel = new CancellationTokenSource();
            var next = context.WaitForExternalEvent<int>(EventName, cancel.Token);
            var timer = context.CreateTimer(context.CurrentUtcDateTime + look, cancel.Token);
            var winner = await Task.WhenAny(next, timer);
#pragma warning disable CA1849
            cancel.Cancel();
#pragma warning restore CA1849
            if (winner == next)
            {
                return;
            }

            look *= 2;
            await context.CallActivityAsync<int>(nameof(FloorActivity), new FloorStep(id, "take"));
        }
    }
}

/// <summary>What one floor activity stands for; <see cref="FloorActivity.OffersOut"/> and the like mark progress.</summary>
internal sealed record FloorStep(string Id, string Name);

internal sealed class FloorActivity : TaskActivity<FloorStep, int>
{
    public const string OffersOut = "start-round";

    public const string Held = "record-acceptance";

    public const string Arrived = "apply-arrival";

    public override Task<int> RunAsync(TaskActivityContext context, FloorStep input)
    {
        ArgumentNullException.ThrowIfNull(input);
        FloorSignals.Mark(input.Id, input.Name);
        return Task.FromResult(0);
    }
}
