using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.Fund;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;
using Relocation.Testing.Builders;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Tests.Relocations;

/// <summary>
/// The in-memory stores a relocation workflow test arranges its cases in, and the arrange steps the tests share: States
/// with one capacity each, cases submitted as the request writes them (no orchestration started), and a wait on the
/// case row. <see cref="StartHostAsync"/> runs the relocation orchestration over these stores in the in-process host.
/// </summary>
internal sealed class RelocationTestWorld
{
    public InMemoryRelocationRepository Relocations { get; } = new();

    public InMemoryCapacityRepository Capacities { get; } = new();

    public InMemoryStateRepository States { get; } = new();

    public InMemoryAgreementRepository Agreements { get; } = new();

    public InMemoryOutbox Outbox { get; } = new();

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public InMemoryCandidateData Candidates() => new(States, Capacities, Agreements);

    /// <summary>One process's round opening over this world (a new one knows nothing of another's openings).</summary>
    public RoundOpening Opening(IOutbox outbox, int roundSize, RoundPlanBatcher? batcher = null) =>
        new(Relocations, Candidates(), outbox, Options.Create(new RelocationWorkflowOptions { RoundSize = roundSize }), TimeProvider.System,
            new InMemoryCaseloadIndex(Relocations), batcher);

    /// <summary>
    /// One French-speaking State with one capacity, <c>cap-{code}</c>, for temporary relocations of households up to 5,
    /// open from yesterday for a year. Returns the capacity's id.
    /// </summary>
    public async Task<string> StateAsync(string code, int places = 4, bool needsFund = false, bool medical = false)
    {
        await States.SaveAsync(State.Register(code, new StateInputBuilder().With(i => i with { Name = code, Languages = ["fr"] }).Build()), null, CancellationToken.None);
        var terms = new CapacityInputBuilder().With(i => i with
        {
            Kinds = [RelocationKind.TemporaryRelocation], Places = places, MaxHouseholdSize = 5, NeedsFundSupport = needsFund, MedicalCare = medical,
            AvailableFrom = Today.AddDays(-1), AvailableUntil = Today.AddYears(1),
        }).BuildTerms();
        var capacity = Capacity.Register($"cap-{code}", code, terms, DateTimeOffset.UtcNow);
        await Capacities.AddAsync(capacity, CancellationToken.None);
        return capacity.Id;
    }

    /// <summary>A temporary relocation for a household of 3 (2 adults, 1 child) speaking French.</summary>
    public static RelocationFacts Facts(RelocationPriority priority = RelocationPriority.Emergency, bool medical = false, string pseudonym = "W-0421") =>
        new("ICC-01/04-01/06", pseudonym, RelocationKind.TemporaryRelocation, priority, new Household(2, 1), new Needs(["fr"], medical));

    /// <summary>A case as the request makes it, not written yet, under a new id.</summary>
    public static RelocationCase Draft(RelocationPriority priority = RelocationPriority.Emergency, bool medical = false, string pseudonym = "W-0421",
        DateOnly? consentOn = null, DateTimeOffset? submittedAt = null) =>
        RelocationCase.Submit(Guid.NewGuid().ToString("N"), Facts(priority, medical, pseudonym), submittedAt ?? DateTimeOffset.UtcNow, "Vwu.Officer", consentOn);

    /// <summary>The case row as the request writes it, and no orchestration. Returns the row written.</summary>
    public Task<RelocationCase> SubmitAsync(RelocationPriority priority = RelocationPriority.Emergency, bool medical = false, string pseudonym = "W-0421",
        DateOnly? consentOn = null, DateTimeOffset? submittedAt = null) =>
        Relocations.AddAsync(Draft(priority, medical, pseudonym, consentOn, submittedAt), CancellationToken.None);

    public async Task<RelocationCase> CaseAsync(string id) => (await Relocations.FindAsync(id, CancellationToken.None))!;

    /// <summary>The case row once <paramref name="done"/> holds (read every 50 ms, for 30 s at most).</summary>
    public Task<RelocationCase> WaitAsync(string id, Func<RelocationCase, bool> done) => WaitForCaseAsync(Relocations, id, done);

    /// <summary>The same on any repository (the tests on Azurite read the real table).</summary>
    public static async Task<RelocationCase> WaitForCaseAsync(IRelocationRepository relocations, string id, Func<RelocationCase, bool> done)
    {
        ArgumentNullException.ThrowIfNull(relocations);
        ArgumentNullException.ThrowIfNull(done);
        for (var i = 0; i < 600; i++)
        {
            if (await relocations.FindAsync(id, CancellationToken.None) is { } relocation && done(relocation))
            {
                return relocation;
            }

            await Task.Delay(50);
        }

        var last = await relocations.FindAsync(id, CancellationToken.None);
        throw new TimeoutException($"The case did not reach the expected state: {last?.Status}, round {last?.CurrentRound?.Number}, {string.Join(" | ", last?.Timeline.Select(t => t.What) ?? [])}");
    }

    /// <summary>
    /// The in-process host with every orchestrator and activity the hosts register
    /// (<see cref="WorkflowsServiceCollectionExtensions.AddRelocationTasks"/>), over this world's stores, with a mocked
    /// fund and case-file store and the system clock. <paramref name="services"/> registers after these, so what it adds
    /// replaces them (a counting capacity repository, a fund set up to answer).
    /// </summary>
    public Task<DurableTaskTestHost> StartHostAsync(RelocationWorkflowOptions options, Action<IServiceCollection>? services = null) =>
        TestHosts.StartAsync(r => r.AddRelocationTasks(), new DurableTaskTestHostOptions
        {
            ConfigureServices = s =>
            {
                s.AddSingleton<IRelocationRepository>(Relocations)
                    .AddSingleton<ICaseloadIndex>(new InMemoryCaseloadIndex(Relocations))
                    .AddSingleton<RoundOpening>()
                    .AddSingleton<ICapacityRepository>(Capacities)
                    .AddSingleton<IStateRepository>(States)
                    .AddSingleton<IAgreementRepository>(Agreements)
                    .AddSingleton<ICandidateData>(sp => new InMemoryCandidateData(sp.GetRequiredService<IStateRepository>(), sp.GetRequiredService<ICapacityRepository>(), sp.GetRequiredService<IAgreementRepository>()))
                    .AddSingleton<IOutbox>(Outbox)
                    .AddSingleton(new Mock<IRelocationFund>().Object)
                    .AddSingleton(new Mock<ICaseFileStore>().Object)
                    .AddSingleton(Options.Create(options))
                    .AddSingleton(TimeProvider.System);
                services?.Invoke(s);
            },
        });
}

/// <summary>Waits on a relocation's orchestration instance (its id is the case's), read every 50 ms, for 30 s unless said otherwise.</summary>
internal static class RelocationInstanceWaits
{
    private static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(30);

    public static Task<OrchestrationMetadata> WaitForInstanceAsync(this DurableTaskClient client, string id, OrchestrationRuntimeStatus status) =>
        client.WaitForInstanceAsync(id, i => i.RuntimeStatus == status, $"The orchestration did not reach {status}", DefaultWithin);

    /// <summary>Running again after arrival, following the placement (its custom status says Relocated).</summary>
    public static Task<OrchestrationMetadata> WaitForPlacedAsync(this DurableTaskClient client, string id, TimeSpan? within = null) =>
        client.WaitForInstanceAsync(id, i => i.RuntimeStatus == OrchestrationRuntimeStatus.Running && i.SerializedCustomStatus?.Contains("\"Relocated\"", StringComparison.Ordinal) == true,
            "The orchestration did not continue into its placement phase", within ?? DefaultWithin);

    public static Task<OrchestrationMetadata> WaitForCustomStatusAsync(this DurableTaskClient client, string id, string text) =>
        client.WaitForInstanceAsync(id, i => i.SerializedCustomStatus?.Contains(text, StringComparison.Ordinal) == true, $"The orchestration never showed {text}", DefaultWithin);

    private static async Task<OrchestrationMetadata> WaitForInstanceAsync(this DurableTaskClient client, string id, Func<OrchestrationMetadata, bool> done, string failure,
        TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(client);
        var deadline = DateTimeOffset.UtcNow + within;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await client.GetInstanceAsync(RelocationInstance.IdFor(id), getInputsAndOutputs: true) is { } instance && done(instance))
            {
                return instance;
            }

            await Task.Delay(50);
        }

        var last = await client.GetInstanceAsync(RelocationInstance.IdFor(id), getInputsAndOutputs: true);
        throw new TimeoutException($"{failure}: {last?.RuntimeStatus} {last?.SerializedCustomStatus} {last?.FailureDetails?.ErrorMessage}");
    }
}
