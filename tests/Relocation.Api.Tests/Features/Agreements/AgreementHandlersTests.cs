using Relocation.Api.Features.Agreements;
using Relocation.Domain.Agreements;
using Relocation.Domain.Steps;
using Relocation.Testing.Builders;
using Relocation.Testing.Fakes;

namespace Relocation.Api.Tests.Features.Agreements;

/// <summary>
/// What the event route does after a 412 on its write. Seen in the fault-injection run: an agreement left with an event
/// "never applied" after a storage kill, because the loser of a race (or a retried write that had landed) removed the
/// pending-step entry that the stored event needed.
/// </summary>
public sealed class AgreementHandlersTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 11, 30);

    private readonly InMemoryAgreementRepository _agreements = new();
    private readonly RecordingSteps _steps = new();

    [Fact]
    public async Task AfterLostRace_OwnWriteLandedBeforeTheRetry_ReturnsItsSequenceAndKeepsTheEntry()
    {
        var stored = await StoreWithPendingAsync(requestId: "req-1");
        var sequence = stored.Pending[0].Sequence;
        await _steps.AddAsync(new PendingStep(StepWorkflows.Agreement, stored.Id, sequence, Now), CancellationToken.None);

        var landed = await AgreementHandlers.AfterLostRaceAsync(_agreements, _steps, stored.Id, sequence, "req-1");

        Assert.Equal(sequence, landed);
        Assert.Contains((stored.Id, sequence), _steps.Entries);
    }

    [Fact]
    public async Task AfterLostRace_AnotherWriterHoldsTheSequence_ReturnsNullAndKeepsTheWinnersEntry()
    {
        var stored = await StoreWithPendingAsync(requestId: "winner");
        var sequence = stored.Pending[0].Sequence;
        await _steps.AddAsync(new PendingStep(StepWorkflows.Agreement, stored.Id, sequence, Now), CancellationToken.None);

        var landed = await AgreementHandlers.AfterLostRaceAsync(_agreements, _steps, stored.Id, sequence, "loser");

        Assert.Null(landed);
        Assert.Contains((stored.Id, sequence), _steps.Entries);
    }

    [Fact]
    public async Task AfterLostRace_NoEventHoldsTheSequence_ReturnsNullAndRemovesTheEntry()
    {
        var stored = await _agreements.AddAsync(Agreement.Create("a-free", new AgreementInputBuilder().Build(), Today, Now), CancellationToken.None);
        await _steps.AddAsync(new PendingStep(StepWorkflows.Agreement, stored.Id, 1, Now), CancellationToken.None);

        var landed = await AgreementHandlers.AfterLostRaceAsync(_agreements, _steps, stored.Id, 1, "loser");

        Assert.Null(landed);
        Assert.DoesNotContain((stored.Id, 1), _steps.Entries);
    }

    private async Task<Agreement> StoreWithPendingAsync(string requestId)
    {
        var agreement = await _agreements.AddAsync(Agreement.Create("a-" + requestId, new AgreementInputBuilder().Build(), Today, Now), CancellationToken.None);
        agreement.Accept(new AgreementEventCommand(AgreementEvent.Signed, Today, null), Today, "admin", "Registry.Admin", Now, requestId);
        return await _agreements.UpdateAsync(agreement, CancellationToken.None);
    }

    private sealed class RecordingSteps : IPendingSteps
    {
        public HashSet<(string Subject, int Sequence)> Entries { get; } = [];

        public Task AddAsync(PendingStep pending, CancellationToken cancellationToken)
        {
            Entries.Add((pending.SubjectId, pending.Sequence));
            return Task.CompletedTask;
        }

        public Task RemoveAsync(string workflow, string subjectId, int sequence, CancellationToken cancellationToken)
        {
            Entries.Remove((subjectId, sequence));
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<PendingStep>> RecordedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<PendingStep>>([]);
    }
}
