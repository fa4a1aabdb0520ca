using System.Collections.Concurrent;
using System.Text.Json;
using Relocation.Domain.Agreements;
using Relocation.Domain.Common;

namespace Relocation.Testing.Fakes;

/// <summary>The agreement register in memory, with versions like the table's ETags, for workflow tests.</summary>
public sealed class InMemoryAgreementRepository : IAgreementRepository
{
    private readonly ConcurrentDictionary<string, (string Json, string Version)> _rows = new();

    public Task<Agreement> AddAsync(Agreement agreement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        var version = Guid.NewGuid().ToString();
        if (!_rows.TryAdd(agreement.Id, (Serialize(agreement), version)))
        {
            throw new ConflictException("exists");
        }

        return Task.FromResult(Load(agreement.Id)!);
    }

    public Task<Agreement?> FindAsync(string id, CancellationToken cancellationToken) => Task.FromResult(Load(id));

    public Task<IReadOnlyList<Agreement>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Agreement>>(_rows.Keys.Select(k => Load(k)!).ToArray());

    public Task<Agreement> UpdateAsync(Agreement agreement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        lock (_rows)
        {
            if (!_rows.TryGetValue(agreement.Id, out var row) || row.Version != agreement.Version)
            {
                throw new PreconditionFailedException("stale");
            }

            _rows[agreement.Id] = (Serialize(agreement), Guid.NewGuid().ToString());
        }

        return Task.FromResult(Load(agreement.Id)!);
    }

    private Agreement? Load(string id)
    {
        if (!_rows.TryGetValue(id, out var row))
        {
            return null;
        }

        var s = JsonSerializer.Deserialize<Snapshot>(row.Json)!;
        return Agreement.Rehydrate(id, s.Details, s.Status, s.ProjectedStatus, s.NextSequence, s.History, s.Pending, s.CreatedAt, row.Version);
    }

    private static string Serialize(Agreement a) =>
        JsonSerializer.Serialize(new Snapshot(a.Details, a.Status, a.ProjectedStatus, a.NextSequence, a.History.ToArray(), a.Pending.ToArray(), a.CreatedAt));

    private sealed record Snapshot(AgreementDetails Details, AgreementStatus Status, AgreementStatus ProjectedStatus, int NextSequence,
        AgreementHistoryEntry[] History, PendingAgreementEvent[] Pending, DateTimeOffset CreatedAt);
}
