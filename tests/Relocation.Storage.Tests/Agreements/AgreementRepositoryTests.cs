using Relocation.Domain.Agreements;
using Relocation.Domain.Common;
using Relocation.Storage.Agreements;
using Relocation.Storage.Tables;
using Relocation.Testing.Builders;

namespace Relocation.Storage.Tests.Agreements;

[Collection(AzuriteCollection.Name)]
public sealed class AgreementRepositoryTests(StorageFixture fixture) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private readonly AgreementRepository _repository = new(fixture.Azurite.Clients);

    public Task InitializeAsync() =>
        new StorageInitializer(fixture.Azurite.Clients, [StorageResource.Table(AgreementRepository.Table)]).EnsureCreatedAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    private static Agreement NewAgreement() =>
        Agreement.Create(Guid.NewGuid().ToString("N"), new AgreementInputBuilder().With(i => i with { ExpiresOn = Today.AddYears(5), ReviewOn = Today.AddYears(1) }).Build(), Today, Now);

    private static void Step(Agreement agreement, AgreementEvent e, string? note = null)
    {
        agreement.Accept(new AgreementEventCommand(e, Today, note), Today, "admin", "Registry.Admin", Now);
        agreement.ApplyPending();
    }

    [Fact]
    public async Task AddAsync_ThenFind_RoundTripsDetailsStatusAndHistory()
    {
        var agreement = NewAgreement();
        Step(agreement, AgreementEvent.Signed, "signed in The Hague");

        await _repository.AddAsync(agreement, CancellationToken.None);
        var found = await _repository.FindAsync(agreement.Id, CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(agreement.Details, found.Details);
        Assert.Equal((AgreementStatus.Signed, AgreementStatus.Signed, 2), (found.Status, found.ProjectedStatus, found.NextSequence));
        Assert.Equal(agreement.History, found.History);
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_IsPreconditionFailed()
    {
        var saved = await _repository.AddAsync(NewAgreement(), CancellationToken.None);
        var first = (await _repository.FindAsync(saved.Id, CancellationToken.None))!;
        var second = (await _repository.FindAsync(saved.Id, CancellationToken.None))!;
        Step(first, AgreementEvent.Signed);
        await _repository.UpdateAsync(first, CancellationToken.None);
        Step(second, AgreementEvent.Signed);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _repository.UpdateAsync(second, CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAsync_LongHistoryWithLongNotes_RoundTrips()
    {
        // 200 steps with the longest note: far above Table Storage's 64 KiB limit for one string column.
        var agreement = NewAgreement();
        Step(agreement, AgreementEvent.Signed);
        Step(agreement, AgreementEvent.EnteredIntoForce);
        for (var i = 0; i < 99; i++)
        {
            Step(agreement, AgreementEvent.Suspended, new string('s', Agreement.MaxNoteLength));
            Step(agreement, AgreementEvent.Resumed, new string('r', Agreement.MaxNoteLength));
        }

        var saved = await _repository.AddAsync(agreement, CancellationToken.None);
        var found = (await _repository.FindAsync(saved.Id, CancellationToken.None))!;
        Step(found, AgreementEvent.Terminated);
        await _repository.UpdateAsync(found, CancellationToken.None);
        var final = (await _repository.FindAsync(saved.Id, CancellationToken.None))!;

        Assert.Equal(201, final.History.Count);
        Assert.Equal(AgreementStatus.Terminated, final.Status);
        Assert.Equal(agreement.History, final.History.Take(200));
    }
}
