using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Relocation.Domain.Relocations;
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
    private readonly RelocationTestWorld _world = new();
    private readonly InMemoryRelocationRepository _relocations;
    private readonly SubmittedLines _lines = new();
    private readonly RelocationCommands _commands;
    private readonly UnscheduledCaseSweeper _sweeper;
    private DurableTaskTestHost _host = null!;
    private string _capacityId = null!;

    public UnscheduledCaseSweeperTests()
    {
        _relocations = _world.Relocations;
        _commands = new RelocationCommands(_relocations, TimeProvider.System, outbox: new InMemoryOutbox());
        _sweeper = new UnscheduledCaseSweeper(_lines, _relocations, Options.Create(new UnscheduledCaseSweeperOptions { GracePeriod = Grace }),
            TimeProvider.System, NullLogger<UnscheduledCaseSweeper>.Instance);
    }

    private DurableTaskClient Client => _host.Client;

    private static DateOnly Today => RelocationTestWorld.Today;

    public async Task InitializeAsync()
    {
        _host = await _world.StartHostAsync(new RelocationWorkflowOptions { RoundSize = 3, ClockScale = 1 });
        _capacityId = await _world.StateAsync("NOR");
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
        _lines.Add(CaseloadEntry.From(RelocationCase.Submit(id, RelocationTestWorld.Facts(), DateTimeOffset.UtcNow - TimeSpan.FromHours(1), "Vwu.Officer", Today)));

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

    [Fact]
    public async Task SweepAsync_AnsweredWithRoundOneAndNoInstance_SchedulesItAndItKeepsThatRound()
    {
        // The create's first attempt answers 202 with round 1 on its row without waiting for its schedule; it died before
        // the schedule landed. Nothing but the sweep starts the orchestration, which must keep the round (same States,
        // same deadline) and not open another.
        var submitted = RelocationTestWorld.Draft(consentOn: Today, submittedAt: DateTimeOffset.UtcNow - Grace - TimeSpan.FromSeconds(5));
        var opened = DateTimeOffset.UtcNow - Grace;
        submitted.StartRound(1, [new AskedState("NOR", _capacityId, false, 100)], opened, opened.AddHours(36));
        _lines.Add(CaseloadEntry.From(submitted));
        await _relocations.AddAsync(submitted, CancellationToken.None);

        var result = await _sweeper.SweepAsync(Client, CancellationToken.None);

        Assert.Equal(new UnscheduledSweepResult(1, 1, 1), result);
        await RunningAsync(submitted.Id);
        var status = await Client.WaitForCustomStatusAsync(submitted.Id, "AwaitingOffers");
        Assert.Contains("\"round\":1", status.SerializedCustomStatus, StringComparison.Ordinal);
        var row = (await _relocations.FindAsync(submitted.Id, CancellationToken.None))!;
        Assert.Equal(opened.AddHours(36), Assert.Single(row.Rounds).Deadline);
    }

    /// <summary>A case row as the request writes it, and its line, and no orchestration (the request died before the schedule).</summary>
    private async Task<string> SubmitAsync(DateTimeOffset submittedAt, RelocationPriority priority = RelocationPriority.Emergency, bool consent = true)
    {
        var submitted = RelocationTestWorld.Draft(priority, consentOn: consent ? Today : null, submittedAt: submittedAt);
        _lines.Add(CaseloadEntry.From(submitted));
        await _relocations.AddAsync(submitted, CancellationToken.None);
        return submitted.Id;
    }

    /// <summary>The instance once running (the test host sets its creation time again when it starts it).</summary>
    private Task<OrchestrationMetadata> RunningAsync(string id) => Client.WaitForInstanceAsync(id, OrchestrationRuntimeStatus.Running);

    private Task<RelocationCase> WaitAsync(string id, Func<RelocationCase, bool> done) => _world.WaitAsync(id, done);

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

        public Task<IReadOnlyList<CaseloadEntry>> OpenLinesAsync(RelocationStatus? status, DateTimeOffset now, CancellationToken cancellationToken)
        {
            lock (_lines)
            {
                return Task.FromResult<IReadOnlyList<CaseloadEntry>>(_lines.Where(l => l.IsOpen && (status is null || l.Status == status)).ToArray());
            }
        }
    }
}
