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
/// </summary>
internal sealed class AgreementRepository(StorageClients clients) : IAgreementRepository
{
    public const string Table = "Agreements";
    private const string Partition = "Agreement";

    private readonly TableClient _table = clients.Table(Table);

    public async Task<Agreement> AddAsync(Agreement agreement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        var entity = ToEntity(agreement);
        try
        {
            var response = await _table.AddEntityAsync(entity, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return ToAgreement(entity);
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
        return ToAgreement(entity);
    }

    private static TableEntity ToEntity(Agreement a) => new(Partition, a.Id)
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
        ["History"] = EntityExtensions.ToJson(a.History),
        ["Pending"] = EntityExtensions.ToJson(a.Pending),
    };

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
        e.FromJson<AgreementHistoryEntry[]>("History", []),
        e.FromJson<PendingAgreementEvent[]>("Pending", []),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.ETag.ToString());
}
