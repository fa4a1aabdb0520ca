using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
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
/// The sweep for cases whose request died between the case row and the schedule, against the relocation orchestration
/// in the in-process test host. The caseload lines are kept as the request wrote them (<c>Submitted</c>), whatever the
/// row says later, as a line one write behind its case is.
/// </summary>
public sealed class UnscheduledCaseSweeperTests : IAsyncLifetime
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);
    private readonly InMemoryRelocationRepository _relocations = new();
    private readonly InMemoryCapacityRepository _capacities = new();
    private readonly InMemoryStateRepository _states = new();
    private readonly SubmittedLines _lines = new();
    private readonly RelocationCommands _commands;
    private readonly UnscheduledCaseSweeper _sweeper;
    private DurableTaskTestHost _host = null!;

    public UnscheduledCaseSweeperTests()
    {
        _commands = new RelocationCommands(_relocations, TimeProvider.System, outbox: new InMemoryOutbox());
        _sweeper = new UnscheduledCaseSweeper(_lines, _relocations, _commands, Options.Create(new UnscheduledCaseSweeperOptions { GracePeriod = Grace }),
            TimeProvider.System, NullLogger<UnscheduledCaseSweeper>.Instance);
    }

    private DurableTaskClient Client => _host.Client;

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public async Task InitializeAsync()
    {
        var options = new RelocationWorkflowOptions { RoundSize = 3, ClockScale = 1 };
        _host = await TestHosts.StartAsync(
            r => r.AddOrchestrator<RelocationOrchestrator>()
                .AddActivity<StartRelocationRoundActivity>().AddActivity<ReplanRelocationRoundActivity>().AddActivity<CloseRelocationRoundActivity>()
                .AddActivity<TakeCaseStepActivity>().AddActivity<CompleteCaseStepActivity>().AddActivity<ReleaseRelocationActivity>()
                .AddActivity<NotifyRelocationStatesActivity>().AddActivity<RemindRelocationRoundActivity>()
                .AddActivity<EscalateRelocationActivity>().AddActivity<ReadRelocationStatusActivity>(),
            new DurableTaskTestHostOptions
            {
                ConfigureServices = s => s
                    .AddSingleton<IRelocationRepository>(_relocations)
                    .AddSingleton<ICaseloadIndex>(new InMemoryCaseloadIndex(_relocations))
                    .AddSingleton<RoundOpening>()
                    .AddSingleton<ICapacityRepository>(_capacities)
                    .AddSingleton<IStateRepository>(_states)
                    .AddSingleton<IAgreementRepository>(new InMemoryAgreementRepository())
                    .AddSingleton<ICandidateData>(sp => new InMemoryCandidateData(sp.GetRequiredService<IStateRepository>(), sp.GetRequiredService<ICapacityRepository>(), sp.GetRequiredService<IAgreementRepository>()))
                    .AddSingleton<IOutbox>(new InMemoryOutbox())
                    .AddSingleton(new Mock<IRelocationFund>().Object)
                    .AddSingleton(new Mock<ICaseFileStore>().Object)
                    .AddSingleton(Options.Create(options))
                    .AddSingleton(TimeProvider.System),
            });
        await StateAsync("NOR");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SweepAsync_SubmittedPastGraceWithNoInstance_SchedulesItAndItsRoundAsksAState()
    {
        var id = await SubmitAsync(DateTimeOffset.UtcNow - Grace - TimeSpan.FromSeconds(5));

        var result = await _sweeper.SweepAsync(Client, CancellationToken.None);

        Assert.Equal(new UnscheduledSweepResult(1, 1, 1), result);
        Assert.NotNull(await Client.GetInstanceAsync(RelocationInstance.IdFor(id)));
        var sent = await WaitAsync(id, c => c.Status == RelocationStatus.AwaitingOffers);
        Assert.Contains(sent.CurrentRound!.Asked, a => a.StateCode == "NOR");
    }

    [Fact]
    public async Task SweepAsync_SubmittedWithinGrace_LeftToItsRequest()
    {
        var id = await SubmitAsync(DateTimeOffset.UtcNow - Grace + TimeSpan.FromSeconds(20));

        var result = await _sweeper.SweepAsync(Client, CancellationToken.None);

        Assert.Equal(new UnscheduledSweepResult(1, 0, 0), result);
        Assert.Null(await Client.GetInstanceAsync(RelocationInstance.IdFor(id)));
    }

    [Fact]
    public async Task SweepAsync_AlreadyHasAnInstance_LeftAloneAndNotLookedAtAgain()
    {
        // A Normal request without consent: started by its request, it stays Submitted (and its line too) for weeks.
        var id = await SubmitAsync(DateTimeOffset.UtcNow - Grace - TimeSpan.FromSeconds(5), RelocationPriority.Normal, consent: false);
        await _commands.StartAsync(Client, (await _relocations.FindAsync(id, CancellationToken.None))!, CancellationToken.None, retried: false);
        var started = await RunningAsync(id);

        var first = await _sweeper.SweepAsync(Client, CancellationToken.None);
        var second = await _sweeper.SweepAsync(Client, CancellationToken.None);

        Assert.Equal(new UnscheduledSweepResult(1, 1, 0), first);
        Assert.Equal(new UnscheduledSweepResult(1, 0, 0), second);
        Assert.Equal(started.CreatedAt, (await Client.GetInstanceAsync(RelocationInstance.IdFor(id)))!.CreatedAt);
    }

    [Fact]
    public async Task SweepAsync_CancelledMeanwhile_LeftAlone()
    {
        // Cancelled on its row while its line still says Submitted (the line is written after the case on update).
        var id = await SubmitAsync(DateTimeOffset.UtcNow - Grace - TimeSpan.FromSeconds(5));
        await CaseUpdates.UpdateAsync(_relocations, id, c => c.Cancel("no longer needed", DateTimeOffset.UtcNow));

        var result = await _sweeper.SweepAsync(Client, CancellationToken.None);

        Assert.Equal(new UnscheduledSweepResult(1, 1, 0), result);
        Assert.Null(await Client.GetInstanceAsync(RelocationInstance.IdFor(id)));
    }

    [Fact]
    public async Task SweepAsync_LineWithoutItsRow_NothingScheduled()
    {
        // The line is written before the row: a create that died in between never answered 202 and accepted nothing.
        var id = Guid.NewGuid().ToString("N");
        _lines.Add(CaseloadEntry.From(RelocationCase.Submit(id, Facts(RelocationPriority.Emergency), DateTimeOffset.UtcNow - TimeSpan.FromHours(1), "Vwu.Officer", Today)));

        var result = await _sweeper.SweepAsync(Client, CancellationToken.None);

        Assert.Equal(new UnscheduledSweepResult(1, 1, 0), result);
        Assert.Null(await Client.GetInstanceAsync(RelocationInstance.IdFor(id)));
    }

    [Fact]
    public async Task SweepAsync_TheLateRequestSchedulesToo_OneOrchestrationFromTheSweep()
    {
        // The request was slow, not dead: it schedules after the sweep did, under the same instance id.
        var id = await SubmitAsync(DateTimeOffset.UtcNow - Grace - TimeSpan.FromSeconds(5));
        await _sweeper.SweepAsync(Client, CancellationToken.None);
        var swept = await RunningAsync(id);

        await _commands.StartAsync(Client, (await _relocations.FindAsync(id, CancellationToken.None))!, CancellationToken.None, retried: true);

        Assert.Equal(swept.CreatedAt, (await Client.GetInstanceAsync(RelocationInstance.IdFor(id)))!.CreatedAt);
        await WaitAsync(id, c => c.Status == RelocationStatus.AwaitingOffers);
        Assert.Single((await _relocations.FindAsync(id, CancellationToken.None))!.Rounds);
    }

    private static RelocationFacts Facts(RelocationPriority priority) =>
        new("ICC-01/04-01/06", "W-0421", RelocationKind.TemporaryRelocation, priority, new Household(2, 1), new Needs(["fr"], false));

    /// <summary>A case row as the request writes it, and its line, and no orchestration (the request died before the schedule).</summary>
    private async Task<string> SubmitAsync(DateTimeOffset submittedAt, RelocationPriority priority = RelocationPriority.Emergency, bool consent = true)
    {
        var id = Guid.NewGuid().ToString("N");
        var submitted = RelocationCase.Submit(id, Facts(priority), submittedAt, "Vwu.Officer", consent ? Today : null);
        _lines.Add(CaseloadEntry.From(submitted));
        await _relocations.AddAsync(submitted, CancellationToken.None);
        return id;
    }

    private async Task StateAsync(string code)
    {
        await _states.SaveAsync(State.Register(code, new StateInputBuilder().With(i => i with { Name = code, Languages = ["fr"] }).Build()), null, CancellationToken.None);
        var terms = new CapacityInputBuilder().With(i => i with
        {
            Kinds = [RelocationKind.TemporaryRelocation], Places = 4, MaxHouseholdSize = 5, AvailableFrom = Today.AddDays(-1), AvailableUntil = Today.AddYears(1),
        }).BuildTerms();
        await _capacities.AddAsync(Capacity.Register($"cap-{code}", code, terms, DateTimeOffset.UtcNow), CancellationToken.None);
    }

    /// <summary>The instance once running (the test host sets its creation time again when it starts it).</summary>
    private async Task<OrchestrationMetadata> RunningAsync(string id)
    {
        for (var i = 0; i < 600; i++)
        {
            if (await Client.GetInstanceAsync(RelocationInstance.IdFor(id)) is { RuntimeStatus: OrchestrationRuntimeStatus.Running } running)
            {
                return running;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The orchestration of {id} did not start.");
    }

    private async Task<RelocationCase> WaitAsync(string id, Func<RelocationCase, bool> done)
    {
        for (var i = 0; i < 600; i++)
        {
            var relocation = (await _relocations.FindAsync(id, CancellationToken.None))!;
            if (done(relocation))
            {
                return relocation;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The case did not reach the expected state: {(await _relocations.FindAsync(id, CancellationToken.None))!.Status}");
    }

    /// <summary>The open partition as the requests wrote it: each line <c>Submitted</c>, never rewritten.</summary>
    private sealed class SubmittedLines : ICaseloadIndex
    {
        private readonly List<CaseloadEntry> _lines = [];

        public void Add(CaseloadEntry line)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }

        public Task<CaseloadPage> ListAsync(CaseloadQuery query, CancellationToken cancellationToken) => throw new NotSupportedException("The sweep reads the open lines only.");

        public Task<IReadOnlyList<CaseloadEntry>> OpenLinesAsync(RelocationStatus status, DateTimeOffset now, CancellationToken cancellationToken)
        {
            lock (_lines)
            {
                return Task.FromResult<IReadOnlyList<CaseloadEntry>>(_lines.Where(l => l.Status == status).ToArray());
            }
        }
    }
}
