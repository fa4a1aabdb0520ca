using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Capacities;

/// <summary>
/// Capacity partitioned by State, so a focal point's view and a hold touch one partition. Expired rows with nothing held
/// move to <see cref="ArchiveTable"/> (same keys) when a listing finds them: the daily job's read of every row, or the
/// State's list. So the live table holds each State's current offers only and does not grow with the years (Azurite
/// walks the whole table for a partition read). A point read or an update that misses the live table tries the archive,
/// so a release or use recorded late on an archived row still lands on it, under its ETag.
/// </summary>
internal sealed class CapacityRepository(StorageClients clients, Candidates.CandidateSnapshot? candidates = null, TimeProvider? time = null) : ICapacityRepository
{
    public const string ArchiveTable = "CapacityArchive";

    private readonly TableClient _table = clients.Table(TableNames.Capacity);
    private readonly TableClient _archive = clients.Table(ArchiveTable);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

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
        var entity = await _table.FindAsync<TableEntity>(stateCode, id, cancellationToken)
            ?? await _archive.FindAsync<TableEntity>(stateCode, id, cancellationToken);
        return entity is null ? null : ToCapacity(entity);
    }

    /// <summary>The State's current capacity (expired rows with places held stay until released); expired rows found are archived.</summary>
    public Task<IReadOnlyList<Capacity>> ListByStateAsync(string stateCode, CancellationToken cancellationToken) =>
        QueryAsync(_table.QueryAsync<TableEntity>(e => e.PartitionKey == stateCode, cancellationToken: cancellationToken), cancellationToken);

    /// <summary>Every live row (the daily job's read, background); expired rows found are archived.</summary>
    public Task<IReadOnlyList<Capacity>> ListAllAsync(CancellationToken cancellationToken) =>
        QueryAsync(_table.QueryAsync<TableEntity>(cancellationToken: cancellationToken), cancellationToken);

    public async Task<Capacity> UpdateAsync(Capacity capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        if (capacity.Version is null)
        {
            throw new InvalidOperationException("Only a capacity read from storage can be updated.");
        }

        var entity = ToEntity(capacity);
        var response = await EntityExtensions.GuardAsync(
            async () =>
            {
                try
                {
                    return await _table.UpdateEntityAsync(entity, new ETag(capacity.Version), TableUpdateMode.Replace, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    // Archived (expired, nothing held): the row lives on there, under the same ETag rule.
                    return await _archive.UpdateEntityAsync(entity, new ETag(capacity.Version), TableUpdateMode.Replace, cancellationToken);
                }
            },
            "capacity");
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

    private async Task<IReadOnlyList<Capacity>> QueryAsync(AsyncPageable<TableEntity> query, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var list = new List<Capacity>();
        await foreach (var entity in query)
        {
            var capacity = ToCapacity(entity);
            if (capacity.Terms.AvailableUntil < today && capacity.Held == 0 && await ArchiveAsync(entity, cancellationToken))
            {
                continue;
            }

            list.Add(capacity);
        }

        return list;
    }

    /// <summary>
    /// Copies the row to the archive, then deletes it from the live table under its ETag: a hold or use that changed it
    /// meanwhile wins (the delete fails and the row stays live; its archive copy is overwritten on the next move). A crash
    /// between the two leaves the row live, archived again by the next listing.
    /// </summary>
    private async Task<bool> ArchiveAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var copy = new TableEntity(entity);
        copy.Remove("odata.etag");
        await _archive.UpsertEntityAsync(copy, TableUpdateMode.Replace, cancellationToken);
        try
        {
            await _table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return ex.Status == 404;
        }
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
