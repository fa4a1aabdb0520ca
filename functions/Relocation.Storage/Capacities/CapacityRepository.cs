using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Capacities;

/// <summary>Capacity partitioned by State, so a focal point's view and a hold touch one partition.</summary>
internal sealed class CapacityRepository(StorageClients clients, Candidates.CandidateSnapshot? candidates = null) : ICapacityRepository
{
    private readonly TableClient _table = clients.Table(TableNames.Capacity);

    public async Task<Capacity> AddAsync(Capacity capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        var entity = ToEntity(capacity);
        try
        {
            var response = await _table.AddEntityAsync(entity, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return await SnapshotAsync(ToCapacity(entity), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsConflict())
        {
            throw new ConflictException($"A capacity with id {capacity.Id} already exists.");
        }
    }

    public async Task<Capacity?> FindAsync(string stateCode, string id, CancellationToken cancellationToken)
    {
        var entity = await _table.FindAsync<TableEntity>(stateCode, id, cancellationToken);
        return entity is null ? null : ToCapacity(entity);
    }

    public Task<IReadOnlyList<Capacity>> ListByStateAsync(string stateCode, CancellationToken cancellationToken) =>
        QueryAsync(_table.QueryAsync<TableEntity>(e => e.PartitionKey == stateCode, cancellationToken: cancellationToken));

    public Task<IReadOnlyList<Capacity>> ListAllAsync(CancellationToken cancellationToken) =>
        QueryAsync(_table.QueryAsync<TableEntity>(cancellationToken: cancellationToken));

    public async Task<Capacity> UpdateAsync(Capacity capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        if (capacity.Version is null)
        {
            throw new InvalidOperationException("Only a capacity read from storage can be updated.");
        }

        var entity = ToEntity(capacity);
        var response = await EntityExtensions.GuardAsync(
            () => _table.UpdateEntityAsync(entity, new ETag(capacity.Version), TableUpdateMode.Replace, cancellationToken), "capacity");
        entity.ETag = response.Headers.ETag ?? default;
        return await SnapshotAsync(ToCapacity(entity), cancellationToken);
    }

    // After the row: ranking reads the snapshot, holds read the row (a crash in between is repaired by the daily sweep).
    private async Task<Capacity> SnapshotAsync(Capacity written, CancellationToken cancellationToken)
    {
        if (candidates is not null)
        {
            await candidates.PutCapacityAsync(written, cancellationToken);
        }

        return written;
    }

    private static async Task<IReadOnlyList<Capacity>> QueryAsync(AsyncPageable<TableEntity> query)
    {
        var list = new List<Capacity>();
        await foreach (var entity in query)
        {
            list.Add(ToCapacity(entity));
        }

        return list;
    }

    private static TableEntity ToEntity(Capacity c) => new(c.StateCode, c.Id)
    {
        ["Kinds"] = EntityExtensions.ToJson(c.Terms.Kinds.Select(k => k.ToString())),
        ["Places"] = c.Terms.Places,
        ["MaxHouseholdSize"] = c.Terms.MaxHouseholdSize,
        ["Languages"] = EntityExtensions.ToJson(c.Terms.Languages),
        ["MedicalCare"] = c.Terms.MedicalCare,
        ["AvailableFrom"] = c.Terms.AvailableFrom.ToColumn(),
        ["AvailableUntil"] = c.Terms.AvailableUntil.ToColumn(),
        ["NeedsFundSupport"] = c.Terms.NeedsFundSupport,
        ["RegisteredAt"] = c.RegisteredAt,
        ["ConfirmedAt"] = c.ConfirmedAt,
        ["Holds"] = EntityExtensions.ToJson(c.Holds),
        ["Uses"] = EntityExtensions.ToJson(c.Uses),
        // Denormalised so that a reader (or an auditor with a table viewer) sees the counts without decoding JSON.
        ["Held"] = c.Held,
        ["Used"] = c.Used,
    };

    private static Capacity ToCapacity(TableEntity e) => Capacity.Rehydrate(
        e.RowKey,
        e.PartitionKey,
        new CapacityTerms(
            e.FromJson<string[]>("Kinds", []).Select(Enum.Parse<RelocationKind>).ToArray(),
            e.GetInt32("Places") ?? 0,
            e.GetInt32("MaxHouseholdSize") ?? 0,
            e.FromJson<string[]>("Languages", []),
            e.GetBoolean("MedicalCare") ?? false,
            e.GetDate("AvailableFrom"),
            e.GetDate("AvailableUntil"),
            e.GetBoolean("NeedsFundSupport") ?? false),
        e.GetDateTimeOffset("RegisteredAt") ?? default,
        e.GetDateTimeOffset("ConfirmedAt") ?? default,
        e.FromJson<Dictionary<string, int>>("Holds", []),
        e.FromJson<Dictionary<string, int>>("Uses", []),
        e.ETag.ToString());
}
