using Azure;
using Azure.Data.Tables;
using Relocation.Domain.States;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.States;

/// <summary>States in one partition: the register is at most one row per ISO 3166 code (249) and is read whole.</summary>
internal sealed class StateRepository(StorageClients clients, Candidates.CandidateSnapshot? candidates = null) : IStateRepository
{
    private const string Partition = "State";
    private readonly TableClient _table = clients.Table(TableNames.States);

    public async Task<State?> FindAsync(string code, CancellationToken cancellationToken)
    {
        var entity = await _table.FindAsync<TableEntity>(Partition, code, cancellationToken);
        return entity is null ? null : ToState(entity);
    }

    public async Task<IReadOnlyList<State>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<State>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            list.Add(ToState(entity));
        }

        return list;
    }

    public async Task<State> SaveAsync(State state, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var entity = new TableEntity(Partition, state.Code)
        {
            ["Name"] = state.Name,
            ["Region"] = state.Region.ToString(),
            ["Languages"] = EntityExtensions.ToJson(state.Languages),
            ["RomeStatuteParty"] = state.RomeStatuteParty,
            ["ApicParty"] = state.ApicParty,
            ["FocalPoints"] = EntityExtensions.ToJson(state.FocalPoints),
        };

        var response = ifMatch is null
            ? await _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken)
            : await EntityExtensions.GuardAsync(() => _table.UpdateEntityAsync(entity, new ETag(ifMatch), TableUpdateMode.Replace, cancellationToken), "State");
        entity.ETag = response.Headers.ETag ?? default;
        var saved = ToState(entity);
        // After the row: the snapshot follows it (a crash in between is repaired by the daily sweep).
        if (candidates is not null)
        {
            await candidates.PutStateAsync(saved, cancellationToken);
        }

        return saved;
    }

    private static State ToState(TableEntity e) => State.Rehydrate(
        e.RowKey,
        new StateDetails(
            e.GetString("Name"),
            Enum.Parse<RegionalGroup>(e.GetString("Region")),
            e.FromJson<string[]>("Languages", []),
            e.GetBoolean("RomeStatuteParty") ?? false,
            e.GetBoolean("ApicParty") ?? false,
            e.FromJson<FocalPoint[]>("FocalPoints", [])),
        e.ETag.ToString());
}
