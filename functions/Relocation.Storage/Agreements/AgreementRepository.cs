using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Agreements;
using Relocation.Domain.Common;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Agreements;

/// <summary>
/// Agreements in one partition (the Court has a few hundred at most, and lists filter across States). History and
/// accepted-but-unapplied events live in the row itself, so accepting an event (reserving its sequence) and applying it
/// (status, history, pending list) are each one atomic conditional write; Azurite ignores If-Match in batches.
/// A string column holds at most 32K characters, so history and pending events are spread over numbered columns
/// (History, History1, ...); the row's 1 MiB limit still leaves room for about 450 steps with the longest notes.
/// </summary>
internal sealed class AgreementRepository(StorageClients clients, Candidates.CandidateSnapshot? candidates = null) : IAgreementRepository
{
    public const string Table = "Agreements";
    private const string Partition = "Agreement";

    // Below Table Storage's 64 KiB (UTF-16) limit for one string property.
    private const int ColumnChars = 30_000;

    private readonly TableClient _table = clients.Table(Table);

    public async Task<Agreement> AddAsync(Agreement agreement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        var entity = ToEntity(agreement);
        try
        {
            var response = await _table.AddEntityAsync(entity, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return await SnapshotAsync(ToAgreement(entity), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsConflict())
        {
            throw new ConflictException($"An agreement with id {agreement.Id} already exists.");
        }
    }

    public async Task<Agreement?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var entity = await _table.FindAsync<TableEntity>(Partition, id, cancellationToken);
        return entity is null ? null : ToAgreement(entity);
    }

    public async Task<IReadOnlyList<Agreement>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<Agreement>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            list.Add(ToAgreement(entity));
        }

        return list;
    }

    public async Task<Agreement> UpdateAsync(Agreement agreement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        var entity = ToEntity(agreement);
        var response = await EntityExtensions.GuardAsync(
            () => _table.UpdateEntityAsync(entity, new ETag(agreement.Version!), TableUpdateMode.Replace, cancellationToken), "agreement");
        entity.ETag = response.Headers.ETag ?? default;
        return await SnapshotAsync(ToAgreement(entity), cancellationToken);
    }

    // After the row: whether it is in force is all the candidate snapshot keeps (repaired by the daily sweep after a crash).
    private async Task<Agreement> SnapshotAsync(Agreement written, CancellationToken cancellationToken)
    {
        if (candidates is not null)
        {
            await candidates.PutAgreementAsync(written, cancellationToken);
        }

        return written;
    }

    private static TableEntity ToEntity(Agreement a)
    {
        var entity = Columns(a);
        WriteSplit(entity, "History", EntityExtensions.ToJson(a.History));
        WriteSplit(entity, "Pending", EntityExtensions.ToJson(a.Pending));
        return entity;
    }

    private static TableEntity Columns(Agreement a) => new(Partition, a.Id)
    {
        ["StateCode"] = a.Details.StateCode,
        ["Type"] = a.Details.Type.ToString(),
        ["Arrangement"] = a.Details.Arrangement.ToString(),
        ["CostNeutral"] = a.Details.CostNeutral,
        ["Confidential"] = a.Details.Confidential,
        ["Title"] = a.Details.Title,
        ["ExpiresOn"] = a.Details.ExpiresOn?.ToColumn(),
        ["ReviewOn"] = a.Details.ReviewOn?.ToColumn(),
        ["Status"] = a.Status.ToString(),
        ["ProjectedStatus"] = a.ProjectedStatus.ToString(),
        ["NextSequence"] = a.NextSequence,
        ["CreatedAt"] = a.CreatedAt,
    };

    private static void WriteSplit(TableEntity entity, string column, string json)
    {
        for (var (offset, part) = (0, 0); offset < json.Length || part == 0; offset += ColumnChars, part++)
        {
            entity[part == 0 ? column : $"{column}{part}"] = json.Substring(offset, Math.Min(ColumnChars, json.Length - offset));
        }
    }

    private static T ReadSplit<T>(TableEntity entity, string column, T fallback)
    {
        var json = new System.Text.StringBuilder(entity.GetString(column) ?? string.Empty);
        for (var part = 1; entity.GetString($"{column}{part}") is { } more; part++)
        {
            json.Append(more);
        }

        return json.Length == 0 ? fallback : System.Text.Json.JsonSerializer.Deserialize<T>(json.ToString(), EntityExtensions.Json) ?? fallback;
    }

    private static Agreement ToAgreement(TableEntity e) => Agreement.Rehydrate(
        e.RowKey,
        new AgreementDetails(
            e.GetString("StateCode"),
            Enum.Parse<AgreementType>(e.GetString("Type")),
            Enum.Parse<Arrangement>(e.GetString("Arrangement")),
            e.GetBoolean("CostNeutral") ?? false,
            e.GetBoolean("Confidential") ?? false,
            e.GetString("Title"),
            e.GetString("ExpiresOn") is { Length: > 0 } ? e.GetDate("ExpiresOn") : null,
            e.GetString("ReviewOn") is { Length: > 0 } ? e.GetDate("ReviewOn") : null),
        Enum.Parse<AgreementStatus>(e.GetString("Status")),
        Enum.Parse<AgreementStatus>(e.GetString("ProjectedStatus")),
        e.GetInt32("NextSequence") ?? 1,
        ReadSplit<AgreementHistoryEntry[]>(e, "History", []),
        ReadSplit<PendingAgreementEvent[]>(e, "Pending", []),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.ETag.ToString());
}
