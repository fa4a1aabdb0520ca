using System.Collections.Concurrent;
using System.Text.Json;
using Relocation.Domain.Common;
using Relocation.Domain.Relocations;

namespace Relocation.Testing.Fakes;

/// <summary>Relocation cases in memory, with versions like the table's ETags, for workflow tests.</summary>
public sealed class InMemoryRelocationRepository : IRelocationRepository
{
    private readonly ConcurrentDictionary<string, (string Json, string Version)> _rows = new();
    private readonly ConcurrentDictionary<(string State, string Id), OfferRequestLine> _index = new();

    public Task<RelocationCase> AddAsync(RelocationCase relocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        if (!_rows.TryAdd(relocation.Id, (Serialize(relocation), Guid.NewGuid().ToString())))
        {
            throw new ConflictException("exists");
        }

        return Task.FromResult(Load(relocation.Id)!);
    }

    public Task<RelocationCase?> FindAsync(string id, CancellationToken cancellationToken) => Task.FromResult(Load(id));

    public Task<RelocationCase> UpdateAsync(RelocationCase relocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        lock (_rows)
        {
            if (!_rows.TryGetValue(relocation.Id, out var row) || row.Version != relocation.Version)
            {
                throw new PreconditionFailedException("stale");
            }

            _rows[relocation.Id] = (Serialize(relocation), Guid.NewGuid().ToString());
        }

        return Task.FromResult(Load(relocation.Id)!);
    }

    public Task IndexOfferRequestAsync(string stateCode, OfferRequestLine request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _index[(stateCode, request.RelocationId)] = request;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<IndexedOfferRequest>> OfferRequestsForAsync(string stateCode, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IndexedOfferRequest>>(_index.Where(k => k.Key.State == stateCode).OrderBy(k => k.Key.Id, StringComparer.Ordinal)
            .Select(k => new IndexedOfferRequest(k.Key.Id, k.Value, Closing: false)).ToArray());

    /// <summary>Every case stored, for the in-memory caseload index.</summary>
    public IReadOnlyList<RelocationCase> All() => _rows.Keys.Order(StringComparer.Ordinal).Select(Load).OfType<RelocationCase>().ToArray();

    /// <summary>The fake keeps the whole timeline on its row: there is never a history.</summary>
    public Task<IReadOnlyList<NumberedTimelineEntry>> HistoryAsync(string relocationId, long before, int count, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NumberedTimelineEntry>>([]);

    private RelocationCase? Load(string id)
    {
        if (!_rows.TryGetValue(id, out var row))
        {
            return null;
        }

        var s = JsonSerializer.Deserialize<Snapshot>(row.Json)!;
        return RelocationCase.Rehydrate(id, s.Facts, s.State, s.Rounds, s.Offers, s.Timeline, row.Version);
    }

    private static string Serialize(RelocationCase c) =>
        JsonSerializer.Serialize(new Snapshot(c.Facts, c.State, c.Rounds.ToArray(), c.Offers.ToArray(), c.Timeline.ToArray()));

    private sealed record Snapshot(RelocationFacts Facts, CaseState State, RoundRecord[] Rounds, OfferRecord[] Offers, TimelineEntry[] Timeline);
}
