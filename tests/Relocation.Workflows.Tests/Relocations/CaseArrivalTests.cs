using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Moq;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Testing.Builders;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Relocations;

namespace Relocation.Workflows.Tests.Relocations;

/// <summary>
/// The arrival applied by the request, with the orchestration's <see cref="ApplyArrivalActivity"/> as the guarantee:
/// before, during (same process) and after the request's work, in the same process or another (a new
/// <see cref="CaseArrival"/>, as after a kill -9), and with the request dead between the step and its work. Whatever the
/// order, the places are used once, the protection-review notice is written once, the review clock is the same, and
/// only the activity marks the step applied.
/// </summary>
public sealed class CaseArrivalTests
{
    private const int Household = 3;
    private readonly InMemoryRelocationRepository _relocations = new();
    private readonly GatedCapacities _capacities = new(new InMemoryCapacityRepository());
    private readonly CountingOutbox _outbox = new();
    private readonly TaskActivityContext _context = new Mock<TaskActivityContext>().Object;
    private readonly IOptions<RelocationWorkflowOptions> _options = Options.Create(new RelocationWorkflowOptions());

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>One process's component: a new one is a process that knows nothing of another's work.</summary>
    private CaseArrival Process() => new(_relocations, _capacities, _outbox, _options, TimeProvider.System);

    private ApplyArrivalActivity Activity(CaseArrival process) => new(_relocations, _capacities, _outbox, _options, TimeProvider.System, arrival: process);

    /// <summary>A case accepted at NOR (3 places held) whose arrival is recorded on the row as its latest step, as the request writes it.</summary>
    private async Task<(RelocationCase Recorded, int Sequence)> ArrivalRecordedAsync()
    {
        await _capacities.AddAsync(Capacity.Register("cap-NOR", "NOR", new CapacityInputBuilder().With(i => i with
        {
            Kinds = [RelocationKind.TemporaryRelocation], Places = 4, MaxHouseholdSize = 5,
            AvailableFrom = Today.AddDays(-1), AvailableUntil = Today.AddYears(1),
        }).BuildTerms(), DateTimeOffset.UtcNow), CancellationToken.None);
        var id = Guid.NewGuid().ToString("N");
        var facts = new RelocationFacts("ICC-01/04-01/06", "W-0888", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, new Household(2, 1), new Needs(["fr"], false));
        await _relocations.AddAsync(RelocationCase.Submit(id, facts, DateTimeOffset.UtcNow, "Vwu.Officer", Today), CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        await CaseUpdates.UpdateAsync(_relocations, id, c => c.StartRound(1, [new AskedState("NOR", "cap-NOR", false, 1)], now, now.AddHours(24)));
        await CaseUpdates.UpdateAsync(_relocations, id, c => c.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Offer, Household, null, null, null), now));
        var requested = await CaseUpdates.UpdateAsync(_relocations, id, c => c.RequestAcceptance("NOR", "acc-1", now));
        await CaseUpdates.UpdateAsync(_relocations, id, c =>
        {
            c.CompleteAcceptance("acc-1", "cap-NOR", null, now);
            c.CompleteStep(requested.LastStep!.Sequence);
        });
        await OfferAcceptance.HoldHereAsync(_capacities, new PlacesStep(id, "NOR", "cap-NOR", Household, "acc-1"));
        var recorded = await CaseUpdates.UpdateAsync(_relocations, id, c => c.Arrive(Today, DateTimeOffset.UtcNow));
        return (recorded, recorded.LastStep!.Sequence);
    }

    private async Task<RelocationCase> CaseAsync(string id) => (await _relocations.FindAsync(id, CancellationToken.None))!;

    private async Task<Capacity> CapacityAsync() => (await _capacities.FindAsync("NOR", "cap-NOR", CancellationToken.None))!;

    private int Reviews(string id) => _outbox.Messages.Count(m => m.RelatedId == id && m.Kind == "ProtectionReview");

    [Fact]
    public async Task CarryOutAsync_ArrivalOnTheRow_PlacesUsedNoticeAndClockAnsweredStepLeftForTheOrchestration()
    {
        var (recorded, sequence) = await ArrivalRecordedAsync();

        var answered = await Process().CarryOutAsync(recorded, sequence);

        Assert.NotNull(answered.State.ReviewDueAt);
        Assert.Equal((0, Household), ((await CapacityAsync()).Held, (await CapacityAsync()).Used));
        Assert.Equal(1, Reviews(recorded.Id));
        var relocation = await CaseAsync(recorded.Id);
        Assert.Equal(answered.State.ReviewDueAt, relocation.State.ReviewDueAt);
        // The step is the orchestration's to apply (the index and the reconciler keep it until then).
        Assert.Contains(relocation.PendingSteps, s => s.Sequence == sequence);
    }

    [Fact]
    public async Task RunAsync_AfterTheRequestInTheSameProcess_JoinsAndWritesOnlyTheStepApplied()
    {
        var (recorded, sequence) = await ArrivalRecordedAsync();
        var process = Process();
        var answered = await process.CarryOutAsync(recorded, sequence);
        var capacityVersion = (await CapacityAsync()).Version;
        var capacityReads = _capacities.Reads;

        var review = await Activity(process).RunAsync(_context, new CaseStepApplied(recorded.Id, sequence));

        Assert.Equal(answered.State.ReviewDueAt!.Value.UtcDateTime, review!.DueUtc);
        Assert.Equal(capacityVersion, (await CapacityAsync()).Version);
        // Joined: not even a read of the capacity row, and no notice written again.
        Assert.Equal(capacityReads + 1, _capacities.Reads);
        Assert.Equal(1, _outbox.Adds);
        Assert.Empty((await CaseAsync(recorded.Id)).PendingSteps);
    }

    [Fact]
    public async Task RunAsync_DuringTheRequestInTheSameProcess_WaitsForItAndUsesThePlacesOnce()
    {
        var (recorded, sequence) = await ArrivalRecordedAsync();
        var process = Process();
        var gate = _capacities.HoldNextUpdate();

        var request = process.CarryOutAsync(recorded, sequence);
        await gate.Reached;
        var activity = Activity(process).RunAsync(_context, new CaseStepApplied(recorded.Id, sequence));
        await Task.Delay(100);
        Assert.False(activity.IsCompleted);
        gate.Release();
        var (answered, review) = (await request, await activity);

        Assert.Equal(answered.State.ReviewDueAt!.Value.UtcDateTime, review!.DueUtc);
        // The hold, then one use.
        Assert.Equal(2, _capacities.Updates);
        Assert.Equal((0, Household), ((await CapacityAsync()).Held, (await CapacityAsync()).Used));
        Assert.Equal(1, _outbox.Adds);
        Assert.Empty((await CaseAsync(recorded.Id)).PendingSteps);
    }

    [Fact]
    public async Task RunAsync_InAnotherProcessAfterTheRequest_FindsTheClockAndWritesOnlyTheStepApplied()
    {
        var (recorded, sequence) = await ArrivalRecordedAsync();
        var answered = await Process().CarryOutAsync(recorded, sequence);
        var capacityVersion = (await CapacityAsync()).Version;

        var review = await Activity(Process()).RunAsync(_context, new CaseStepApplied(recorded.Id, sequence));

        Assert.Equal(answered.State.ReviewDueAt!.Value.UtcDateTime, review!.DueUtc);
        Assert.Equal(capacityVersion, (await CapacityAsync()).Version);
        Assert.Equal(1, _outbox.Adds);
        var relocation = await CaseAsync(recorded.Id);
        Assert.Empty(relocation.PendingSteps);
        Assert.Single(relocation.Timeline, t => t.What == "ReviewDue");
    }

    [Fact]
    public async Task CarryOutAsync_AfterTheActivityAppliedIt_UsesNothingTwiceAndAnswersTheSameClock()
    {
        var (recorded, sequence) = await ArrivalRecordedAsync();
        var review = await Activity(Process()).RunAsync(_context, new CaseStepApplied(recorded.Id, sequence));
        var capacityVersion = (await CapacityAsync()).Version;
        var applied = await CaseAsync(recorded.Id);

        // The request's run comes last with the row as it wrote it (no clock): it finds the rest done.
        var answered = await Process().CarryOutAsync(recorded, sequence);

        Assert.Equal(review!.DueUtc, answered.State.ReviewDueAt!.Value.UtcDateTime);
        Assert.Equal(capacityVersion, (await CapacityAsync()).Version);
        Assert.Equal(1, Reviews(recorded.Id));
        Assert.Equal(applied.Version, (await CaseAsync(recorded.Id)).Version);
        Assert.Empty((await CaseAsync(recorded.Id)).PendingSteps);
    }

    [Fact]
    public async Task RunAsync_RequestDiedBetweenTheStepAndItsWork_ActivityAppliesEverything()
    {
        var (recorded, sequence) = await ArrivalRecordedAsync();

        // Nothing carried out: the request's process died right after recording the step.
        var review = await Activity(Process()).RunAsync(_context, new CaseStepApplied(recorded.Id, sequence));

        Assert.NotNull(review);
        Assert.Equal((0, Household), ((await CapacityAsync()).Held, (await CapacityAsync()).Used));
        Assert.Equal(1, Reviews(recorded.Id));
        var relocation = await CaseAsync(recorded.Id);
        Assert.Equal(review.DueUtc, relocation.State.ReviewDueAt!.Value.UtcDateTime);
        Assert.Empty(relocation.PendingSteps);
    }

    [Fact]
    public async Task RunAsync_RequestFailedMidway_ActivityInTheSameProcessAppliesTheRest()
    {
        var (recorded, sequence) = await ArrivalRecordedAsync();
        var process = Process();
        _capacities.FailNextUpdate();

        await Assert.ThrowsAsync<IOException>(() => process.CarryOutAsync(recorded, sequence));
        var review = await Activity(process).RunAsync(_context, new CaseStepApplied(recorded.Id, sequence));

        Assert.NotNull(review);
        Assert.Equal((0, Household), ((await CapacityAsync()).Held, (await CapacityAsync()).Used));
        Assert.Equal(1, Reviews(recorded.Id));
        Assert.Empty((await CaseAsync(recorded.Id)).PendingSteps);
    }

    /// <summary>A capacity repository that counts reads and writes, and can hold back or fail the next write.</summary>
    private sealed class GatedCapacities(ICapacityRepository inner) : ICapacityRepository
    {
        private Gate? _gate;
        private bool _fail;
        private int _reads;
        private int _updates;

        public int Reads => _reads;

        public int Updates => _updates;

        public Gate HoldNextUpdate() => _gate = new Gate();

        public void FailNextUpdate() => _fail = true;

        public Task<Capacity> AddAsync(Capacity capacity, CancellationToken cancellationToken) => inner.AddAsync(capacity, cancellationToken);

        public Task<Capacity?> FindAsync(string stateCode, string id, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            return inner.FindAsync(stateCode, id, cancellationToken);
        }

        public Task<IReadOnlyList<Capacity>> ListByStateAsync(string stateCode, CancellationToken cancellationToken) => inner.ListByStateAsync(stateCode, cancellationToken);

        public Task<IReadOnlyList<Capacity>> ListAllAsync(CancellationToken cancellationToken) => inner.ListAllAsync(cancellationToken);

        public async Task<Capacity> UpdateAsync(Capacity capacity, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _gate, null) is { } gate)
            {
                await gate.PassAsync();
            }

            if (_fail)
            {
                _fail = false;
                throw new IOException("Storage unavailable.");
            }

            var updated = await inner.UpdateAsync(capacity, cancellationToken);
            Interlocked.Increment(ref _updates);
            return updated;
        }
    }

    /// <summary>Holds one write until released; <see cref="Reached"/> completes when the write arrives.</summary>
    private sealed class Gate
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Reached => _reached.Task;

        public void Release() => _released.TrySetResult();

        public async Task PassAsync()
        {
            _reached.TrySetResult();
            await _released.Task;
        }
    }
}
