using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.States;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Candidates;

/// <summary>
/// The candidate data as one small table: one row per State (partition <c>state</c>, row key its code) with a column for
/// the State's details, one per capacity (<c>c_{id}</c>: the capacity as JSON) and one per agreement (<c>a_{id}</c>: its
/// type while in force, empty otherwise). Each State, capacity or agreement write merges only its own column, after its
/// own row is written: no read-modify-write, so concurrent holds on different capacities never collide here. Ranking
/// reads the one partition: at most one row per State (ISO 3166 has 249 codes), whatever the years have added elsewhere.
/// <para>Staleness: a crash between a row's write and its merge, or two merges of one capacity landing out of order,
/// leaves a column one change behind until that row's next write or the daily sweep (<see cref="RebuildAsync"/>, from
/// the capacity reminder job), which rewrites every row and drops expired capacity. Ranking only proposes; a hold is
/// always decided on the capacity row itself, under its ETag, so a stale column can misrank but never over-hold.</para>
/// </summary>
internal sealed class CandidateSnapshot(StorageClients clients, TimeProvider time) : ICandidateData
{
    public const string Table = "CandidateData";
    private const string Partition = "state";
    private const string StateColumn = "State";
    private const string CapacityPrefix = "c_";
    private const string AgreementPrefix = "a_";

    private readonly TableClient _table = clients.Table(Table);

    public async Task<CandidateData> ReadAsync(CancellationToken cancellationToken)
    {
        var states = new List<State>();
        var capacities = new List<Capacity>();
        var inForce = new Dictionary<AgreementType, HashSet<string>>();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), cancellationToken: cancellationToken))
        {
            foreach (var (column, value) in row)
            {
                if (value is not string { Length: > 0 } json)
                {
                    continue;
                }

                if (column == StateColumn)
                {
                    states.Add(State.Rehydrate(row.RowKey, System.Text.Json.JsonSerializer.Deserialize<StateDetails>(json, EntityExtensions.Json)!, null));
                }
                else if (column.StartsWith(CapacityPrefix, StringComparison.Ordinal)
                    && System.Text.Json.JsonSerializer.Deserialize<CapacityCopy>(json, EntityExtensions.Json) is { } copy && copy.AvailableUntil >= today)
                {
                    capacities.Add(copy.ToCapacity(row.RowKey));
                }
                else if (column.StartsWith(AgreementPrefix, StringComparison.Ordinal) && Enum.TryParse<AgreementType>(json, out var type))
                {
                    (inForce.TryGetValue(type, out var set) ? set : inForce[type] = new HashSet<string>(StringComparer.Ordinal)).Add(row.RowKey);
                }
            }
        }

        return new CandidateData(states, capacities, inForce.ToDictionary(p => p.Key, p => (IReadOnlySet<string>)p.Value));
    }

    public Task PutStateAsync(State state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return MergeAsync(state.Code, StateColumn, EntityExtensions.ToJson(DetailsOf(state)), cancellationToken);
    }

    public Task PutCapacityAsync(Capacity capacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        return MergeAsync(capacity.StateCode, CapacityPrefix + Column(capacity.Id), CapacityCopy.Json(capacity), cancellationToken);
    }

    public Task PutAgreementAsync(Agreement agreement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agreement);
        return MergeAsync(agreement.Details.StateCode, AgreementPrefix + Column(agreement.Id), InForceValue(agreement), cancellationToken);
    }

    public async Task RebuildAsync(IReadOnlyList<State> states, IReadOnlyList<Capacity> capacities, IReadOnlyList<Agreement> agreements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(capacities);
        ArgumentNullException.ThrowIfNull(agreements);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        TableEntity RowOf(string code) => rows.TryGetValue(code, out var row) ? row : rows[code] = new TableEntity(Partition, code);
        foreach (var state in states)
        {
            RowOf(state.Code)[StateColumn] = EntityExtensions.ToJson(DetailsOf(state));
        }

        foreach (var capacity in capacities.Where(c => c.Terms.AvailableUntil >= today))
        {
            RowOf(capacity.StateCode)[CapacityPrefix + Column(capacity.Id)] = CapacityCopy.Json(capacity);
        }

        foreach (var agreement in agreements.Where(a => a.Status == AgreementStatus.InForce))
        {
            RowOf(agreement.Details.StateCode)[AgreementPrefix + Column(agreement.Id)] = InForceValue(agreement);
        }

        // Replace, so dropped columns (expired capacity, agreements no longer in force) leave the row: it stays small.
        foreach (var chunk in rows.Values.Chunk(100))
        {
            await _table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), cancellationToken);
        }
    }

    private async Task MergeAsync(string stateCode, string column, string value, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(new TableEntity(Partition, stateCode) { [column] = value }, TableUpdateMode.Merge, cancellationToken);

    private static StateDetails DetailsOf(State s) => new(s.Name, s.Region, s.Languages, s.RomeStatuteParty, s.ApicParty, s.FocalPoints);

    private static string InForceValue(Agreement agreement) => agreement.Status == AgreementStatus.InForce ? agreement.Details.Type.ToString() : string.Empty;

    // Ids are letters, digits and dashes; a column name takes letters, digits and underscores.
    private static string Column(string id) => id.Replace('-', '_');

    private sealed record CapacityCopy(
        string Id, string[] Kinds, int Places, int MaxHouseholdSize, IReadOnlyList<string> Languages, bool MedicalCare, DateOnly AvailableFrom,
        DateOnly AvailableUntil, bool NeedsFundSupport, DateTimeOffset RegisteredAt, DateTimeOffset ConfirmedAt, Dictionary<string, int> Holds,
        Dictionary<string, int> Uses, string? Version)
    {
        public static string Json(Capacity c) => EntityExtensions.ToJson(new CapacityCopy(
            c.Id, [.. c.Terms.Kinds.Select(k => k.ToString())], c.Terms.Places, c.Terms.MaxHouseholdSize, c.Terms.Languages, c.Terms.MedicalCare,
            c.Terms.AvailableFrom, c.Terms.AvailableUntil, c.Terms.NeedsFundSupport, c.RegisteredAt, c.ConfirmedAt,
            new Dictionary<string, int>(c.Holds, StringComparer.Ordinal), new Dictionary<string, int>(c.Uses, StringComparer.Ordinal), c.Version));

        public Capacity ToCapacity(string stateCode) => Capacity.Rehydrate(
            Id, stateCode,
            new CapacityTerms(Kinds.Select(Enum.Parse<RelocationKind>).ToArray(), Places, MaxHouseholdSize, Languages, MedicalCare, AvailableFrom, AvailableUntil, NeedsFundSupport),
            RegisteredAt, ConfirmedAt, Holds, Uses, Version);
    }
}
