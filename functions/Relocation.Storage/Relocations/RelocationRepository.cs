using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Relocations;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Relocations;

/// <summary>
/// One row per case, in its own partition (cases never need to be read together); rounds, offers and timeline as JSON
/// columns so every change of a case is one conditional write. The offer-request index is partitioned by State and holds
/// only open requests, each row carrying what the State's focal point is shown of it (<see cref="OfferRequestLine"/>), so
/// the State's list is one partition read: a row is written when a round asks the State (after the case row, by the
/// round's activity, which reruns until it is written); the case write that answers or closes it first marks it
/// <c>Closing</c>, then writes the case, then deletes it. A crash after the mark leaves a marked row, which the focal
/// point's next list checks against its case (a point read) and deletes if closed; so a State's partition is its open
/// requests plus at most the few a crash left behind: bounded by open work, never by history (docs/storage.md).
/// </summary>
internal sealed class RelocationRepository(StorageClients clients, CaseloadIndex caseload, RelocationStatsIndex? stats = null) : IRelocationRepository
{
    public const string Table = "Relocations";
    public const string IndexTable = "OfferRequests";
    public const string HistoryTable = "RelocationHistory";
    public const string CaseRow = "case";
    private const string Row = CaseRow;

    private readonly TableClient _table = clients.Table(Table);
    private readonly TableClient _index = clients.Table(IndexTable);

    // Index rows of concurrent rounds and answers share the asked States' partitions: group-committed (docs/storage.md).
    private readonly TableGroupCommit _indexWrites = clients.GroupCommit(IndexTable);
    private readonly TableClient _history = clients.Table(HistoryTable);

    public Task<RelocationCase> AddAsync(RelocationCase relocation, CancellationToken cancellationToken) =>
        AddAsync(relocation, () => Task.CompletedTask, _ => Task.CompletedTask, cancellationToken);

    /// <summary>
    /// The caseload line and <paramref name="beforeRow"/> side by side, then the row, then the statistics line and
    /// <paramref name="afterRow"/> side by side: none of the writes on either side needs another on its side (a request
    /// was five round trips one after the other before its round could open).
    /// </summary>
    public Task<RelocationCase> AddAsync(RelocationCase relocation, Func<Task> beforeRow, Func<RelocationCase, Task> afterRow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        return AddAsync(Task.FromResult(relocation), beforeRow, afterRow, cancellationToken);
    }

    /// <summary>
    /// The same, with the row still being completed (round 1's plan) while <paramref name="beforeRow"/> runs: the caseload
    /// line waits for it, side by side with <paramref name="beforeRow"/>, and carries what the row will.
    /// </summary>
    public async Task<RelocationCase> AddAsync(Task<RelocationCase> relocation, Func<Task> beforeRow, Func<RelocationCase, Task> afterRow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(afterRow);
        var (added, complete) = await InsertAsync(relocation, beforeRow, cancellationToken);
        await Task.WhenAll(PutStatsAsync(complete, cancellationToken), afterRow(added));
        return added;
    }

    /// <summary>The row written as by <see cref="AddAsync(Task{RelocationCase}, Func{Task}, Func{RelocationCase, Task}, CancellationToken)"/>; its statistics line handed back, started, not awaited.</summary>
    public async Task<(RelocationCase Added, Task Following)> AddLeavingFollowingAsync(Task<RelocationCase> relocation, Func<Task> beforeRow, CancellationToken cancellationToken)
    {
        var (added, complete) = await InsertAsync(relocation, beforeRow, cancellationToken);
        return (added, PutStatsAsync(complete, cancellationToken));
    }

    private async Task<(RelocationCase Added, RelocationCase Complete)> InsertAsync(Task<RelocationCase> relocation, Func<Task> beforeRow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(beforeRow);
        // The caseload line before the row: a line without its case is skipped when listed; a case without its line would be invisible.
        await Task.WhenAll(beforeRow(), LineAsync());
        var complete = await relocation;
        var entity = await ToBoundedEntityAsync(complete, cancellationToken);
        RelocationCase added;
        try
        {
            var response = await _table.AddEntityAsync(entity, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            added = ToCase(entity);
        }
        catch (RequestFailedException ex) when (ex.IsConflict())
        {
            throw new ConflictException($"A relocation request with id {complete.Id} already exists.");
        }

        return (added, complete);

        async Task LineAsync() => await caseload.PutAsync(CaseloadEntry.From(await relocation), cancellationToken);
    }

    // The open requests of each version read (keyed by ETag), so a write knows which of them it closes without re-reading.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> OpenAtVersion = new(StringComparer.Ordinal);
    private const int MaxRemembered = 20_000;

    // By case and version: an ETag is a timestamp, and two cases written in the same instant share it, so a version alone
    // let one case's read overwrite another's open set and its write then marked and deleted nothing (its answered State
    // kept a trusted row; seen once in CI as IndexOfferRequestAsync_AfterTheStateAnswered_RowNotTrustedAsStored).
    private static string VersionKey(string id, string version) => id + "\n" + version;

    public async Task<RelocationCase?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var entity = await _table.FindAsync<TableEntity>(id, Row, cancellationToken);
        return entity is null ? null : ToCase(entity);
    }

    /// <summary>The States whose request about this case is open: asked in the open round and not yet answered there.</summary>
    public static IReadOnlyList<string> OpenRequests(RelocationCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c is { Status: RelocationStatus.AwaitingOffers, CurrentRound: { ClosedAt: null } round }
            ? round.Asked.Select(a => a.StateCode).Where(s => !c.Offers.Any(o => o.StateCode == s && o.Round == round.Number)).ToArray()
            : [];
    }

    private static void Remember(RelocationCase c)
    {
        if (c.Version is not { Length: > 0 } version)
        {
            return;
        }

        if (OpenAtVersion.Count > MaxRemembered)
        {
            OpenAtVersion.Clear(); // a forgotten version falls back to the last two rounds' States below
        }

        OpenAtVersion[VersionKey(c.Id, version)] = [.. OpenRequests(c)];
    }

    /// <summary>The States whose request the write of <paramref name="written"/> closes: open at the version it was read at, not after.</summary>
    private static string[] ClosedBy(RelocationCase written)
    {
        // The case carries the version it was read at: the open set then, or (read elsewhere) every State of its last two rounds.
        var wasOpen = OpenAtVersion.TryRemove(VersionKey(written.Id, written.Version ?? string.Empty), out var known)
            ? known
            : written.Rounds.TakeLast(2).SelectMany(r => r.Asked).Select(a => a.StateCode).Distinct(StringComparer.Ordinal).ToArray();
        return [.. wasOpen.Except(OpenRequests(written), StringComparer.Ordinal)];
    }

    /// <summary>
    /// Marks the index rows of the requests a case write is about to close, before that write: a crash between the write
    /// and the rows' delete leaves them marked, and a marked row is listed only after its case is read (rule 3: the mark
    /// is the index entry of the delete still owed). A merge (no ETag): a row already gone comes back as a bare marked
    /// row, which the delete right after the write removes, or, after a crash, the next list (its case no longer asks).
    /// The mark names the round it closes (a later round's row over it does not count it) and the write that made it, so
    /// that write, refused, can take back its own mark and no one else's.
    /// </summary>
    private Task MarkClosingAsync(string relocationId, string[] states, int round, string token) =>
        Task.WhenAll(states.Select(state => _indexWrites.MergeAsync(new TableEntity(state, relocationId)
        {
            [ClosingColumn] = true,
            [ClosingRoundColumn] = round,
            [ClosingByColumn] = token,
        })));

    /// <summary>
    /// Takes back the marks of a closing write the store refused (412), so they do not cost every list a case read until
    /// the request closes: only where the case, read again after the refusal, still asks the State (a write that did close
    /// it, the one that won, left its own mark or delete), and only a mark still this write's own (a closing write that
    /// marked the row since owns it now), under the row's ETag. A failure here leaves the mark: the list checks the case.
    /// </summary>
    private async Task UnmarkAsync(string relocationId, string[] states, string token, CancellationToken cancellationToken)
    {
        try
        {
            var fresh = await FindAsync(relocationId, cancellationToken);
            var stillOpen = fresh is null ? [] : OpenRequests(fresh);
            await Task.WhenAll(states.Where(stillOpen.Contains).Select(async state =>
            {
                var row = await _index.FindAsync<TableEntity>(state, relocationId, cancellationToken);
                if (row is not null && row.GetString(ClosingByColumn) == token)
                {
                    await _index.UpdateEntityAsync(new TableEntity(state, relocationId) { [ClosingColumn] = false }, row.ETag, TableUpdateMode.Merge, cancellationToken);
                }
            }));
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed() || ex.IsNotFound())
        {
            // Marked again or deleted since it was read: no longer this write's mark to take back.
        }
    }

    /// <summary>Deletes the index rows of the requests this write closed (parallel, idempotent: 404 is success).</summary>
    private Task PruneOfferRequestsAsync(string relocationId, string[] states, CancellationToken cancellationToken) =>
        Task.WhenAll(states.Select(state => ForgetOfferRequestAsync(state, relocationId, cancellationToken)));

    /// <summary>Deletes the index row; one already gone counts as success.</summary>
    public Task ForgetOfferRequestAsync(string stateCode, string relocationId, CancellationToken cancellationToken) =>
        _indexWrites.DeleteAsync(stateCode, relocationId);

    public async Task<RelocationCase> UpdateAsync(RelocationCase relocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var closed = ClosedBy(relocation);
        var bounded = ToBoundedEntityAsync(relocation, cancellationToken);
        var token = closed.Length == 0 ? string.Empty : Guid.NewGuid().ToString("N");
        // The marks before the case write; beside the history rows a long timeline moves first (neither needs the other).
        await Task.WhenAll(MarkClosingAsync(relocation.Id, closed, relocation.Rounds.Count == 0 ? 0 : relocation.Rounds.Max(r => r.Number), token), bounded);
        var entity = await bounded;
        Response response;
        try
        {
            response = await EntityExtensions.GuardAsync(
                () => _table.UpdateEntityAsync(entity, new ETag(relocation.Version!), TableUpdateMode.Replace, cancellationToken), "relocation request");
        }
        catch (PreconditionFailedException) when (closed.Length > 0)
        {
            await UnmarkAsync(relocation.Id, closed, token, cancellationToken);
            throw;
        }

        entity.ETag = response.Headers.ETag ?? default;
        // After the case: a crash in between leaves a stale line, which the next listing repairs from the case row. The
        // three follow the row and none needs another: side by side.
        await Task.WhenAll(caseload.PutAsync(CaseloadEntry.From(relocation), cancellationToken), PutStatsAsync(relocation, cancellationToken),
            PruneOfferRequestsAsync(relocation.Id, closed, cancellationToken));
        return ToCase(entity);
    }

    // The statistics line follows its case, so the report never reads cases.
    private async Task PutStatsAsync(RelocationCase relocation, CancellationToken cancellationToken)
    {
        if (stats is not null)
        {
            await stats.PutAsync(StatsLine.From(relocation), cancellationToken);
        }
    }

    /// <summary>
    /// The line merged over the row, unconfirmed: the case this opening read may have been answered since (its delete then
    /// came before this write), so the row is listed only once a list has read the case after it and found the State still
    /// asked. A merge keeps a closing write's mark made before it (a replace would drop it, and a crash of that write
    /// before its delete would leave the row trusted); an earlier round's mark names its round and no longer counts.
    /// </summary>
    public Task IndexOfferRequestAsync(string stateCode, OfferRequestLine request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _indexWrites.MergeAsync(new TableEntity(stateCode, request.RelocationId)
        {
            [UnconfirmedColumn] = true,
            ["Pseudonym"] = request.Pseudonym,
            ["Kind"] = request.Kind.ToString(),
            ["Priority"] = request.Priority.ToString(),
            ["HouseholdSize"] = request.HouseholdSize,
            ["MedicalCare"] = request.MedicalCare,
            ["Languages"] = EntityExtensions.ToJson(request.Languages),
            [RoundColumn] = request.Round,
            ["Deadline"] = request.Deadline,
        });
    }

    public async Task<IReadOnlyList<IndexedOfferRequest>> OfferRequestsForAsync(string stateCode, CancellationToken cancellationToken)
    {
        var rows = new List<IndexedOfferRequest>();
        await foreach (var e in _index.QueryAsync<TableEntity>(x => x.PartitionKey == stateCode, cancellationToken: cancellationToken))
        {
            rows.Add(ToIndexed(e));
        }

        return rows;
    }

    /// <summary>Every row of every State: a scan of the index (open requests plus leftovers), for the background sweep only.</summary>
    public async Task<IReadOnlyList<(string StateCode, IndexedOfferRequest Row)>> ScanOfferRequestsAsync(CancellationToken cancellationToken)
    {
        var rows = new List<(string, IndexedOfferRequest)>();
        await foreach (var e in _index.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            rows.Add((e.PartitionKey, ToIndexed(e)));
        }

        return rows;
    }

    /// <summary>Clears the row's unconfirmed flag only if the row is still as listed (its ETag): a mark or rewrite since wins.</summary>
    public async Task ConfirmOfferRequestAsync(string stateCode, IndexedOfferRequest row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        try
        {
            await _index.UpdateEntityAsync(new TableEntity(stateCode, row.RelocationId) { [UnconfirmedColumn] = false }, new ETag(row.Version!), TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed() || ex.IsNotFound())
        {
            // Changed or gone since it was read: left for the next list to look at.
        }
    }

    private static IndexedOfferRequest ToIndexed(TableEntity e)
    {
        var line = ToLine(e);
        // A mark counts for the round it closes and any before; a later round's row over it is that round's own request.
        var closing = (e.GetBoolean(ClosingColumn) ?? false) && (e.GetInt32(ClosingRoundColumn) is not { } closes || line is null || closes >= line.Round);
        return new IndexedOfferRequest(e.RowKey, line, closing, e.GetBoolean(UnconfirmedColumn) ?? false, e.ETag.ToString());
    }

    private const string RoundColumn = "Round";
    private const string ClosingColumn = "Closing";
    private const string ClosingRoundColumn = "ClosingRound";
    private const string ClosingByColumn = "ClosingBy";
    private const string UnconfirmedColumn = "Unconfirmed";

    /// <summary>The row's line; null for a row written before rows carried one (only its keys) or one that does not parse: its case decides.</summary>
    private static OfferRequestLine? ToLine(TableEntity e) =>
        e.GetInt32(RoundColumn) is { } round
        && e.GetString("Pseudonym") is { } pseudonym
        && Enum.TryParse<RelocationKind>(e.GetString("Kind"), out var kind)
        && Enum.TryParse<RelocationPriority>(e.GetString("Priority"), out var priority)
        && e.GetDateTimeOffset("Deadline") is { } deadline
            ? new OfferRequestLine(e.RowKey, pseudonym, kind, priority, e.GetInt32("HouseholdSize") ?? 0, e.GetBoolean("MedicalCare") ?? false,
                e.FromJson<string[]>("Languages", []), round, deadline)
            : null;

    public async Task<IReadOnlyList<NumberedTimelineEntry>> HistoryAsync(string relocationId, long before, int count, CancellationToken cancellationToken)
    {
        // One partition, a row-key range: the case's history never costs more than the page read.
        var list = new List<NumberedTimelineEntry>(count);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {relocationId} and RowKey gt {HistoryKey(before)}");
        await foreach (var e in _history.QueryAsync<TableEntity>(filter, maxPerPage: count, cancellationToken: cancellationToken))
        {
            list.Add(new NumberedTimelineEntry(long.MaxValue - long.Parse(e.RowKey, System.Globalization.CultureInfo.InvariantCulture),
                e.FromJson<TimelineEntry>("Entry", null!)));
            if (list.Count == count)
            {
                break;
            }
        }

        return list;
    }

    // Newest first in a partition: the row key inverts the step's number.
    private static string HistoryKey(long number) => (long.MaxValue - number).ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Keeps the row bounded: steps beyond <see cref="RelocationCase.MaxTimelineOnRow"/> are written to the history first
    /// (upserts keyed by step number, so a retried or lost update rewrites the same rows), then left off the row.
    /// </summary>
    private async Task<TableEntity> ToBoundedEntityAsync(RelocationCase c, CancellationToken cancellationToken)
    {
        var entity = ToEntity(c);
        var overflow = c.Timeline.Count - RelocationCase.MaxTimelineOnRow;
        if (overflow <= 0)
        {
            return entity;
        }

        var moved = c.Timeline.Take(overflow).Select((t, i) => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
            new TableEntity(c.Id, HistoryKey(c.TimelineOffset + i)) { ["Entry"] = EntityExtensions.ToJson(t) })).ToList();
        foreach (var chunk in moved.Chunk(100))
        {
            await _history.SubmitTransactionAsync(chunk, cancellationToken);
        }

        entity["Timeline"] = EntityExtensions.ToJson(c.Timeline.Skip(overflow).ToArray());
        entity["TimelineOffset"] = c.TimelineOffset + overflow;
        return entity;
    }

    private static TableEntity ToEntity(RelocationCase c) => new(c.Id, Row)
    {
        ["CaseReference"] = c.Facts.CaseReference,
        ["Pseudonym"] = c.Facts.Pseudonym,
        ["Kind"] = c.Facts.Kind.ToString(),
        ["Priority"] = c.Facts.Priority.ToString(),
        ["Adults"] = c.Facts.Household.Adults,
        ["Children"] = c.Facts.Household.Children,
        ["Languages"] = EntityExtensions.ToJson(c.Facts.Needs.Languages),
        ["MedicalCare"] = c.Facts.Needs.MedicalCare,
        ["Status"] = c.Status.ToString(),
        ["State"] = EntityExtensions.ToJson(c.State),
        ["Rounds"] = EntityExtensions.ToJson(c.Rounds),
        ["Offers"] = EntityExtensions.ToJson(c.Offers),
        ["Timeline"] = EntityExtensions.ToJson(c.Timeline),
        ["TimelineOffset"] = c.TimelineOffset,
    };

    internal static RelocationCase ToCase(TableEntity e)
    {
        var relocation = Rehydrate(e);
        Remember(relocation);
        return relocation;
    }

    private static RelocationCase Rehydrate(TableEntity e) => RelocationCase.Rehydrate(
        e.PartitionKey,
        new RelocationFacts(
            e.GetString("CaseReference"),
            e.GetString("Pseudonym"),
            Enum.Parse<RelocationKind>(e.GetString("Kind")),
            Enum.Parse<RelocationPriority>(e.GetString("Priority")),
            new Household(e.GetInt32("Adults") ?? 1, e.GetInt32("Children") ?? 0),
            new Needs(e.FromJson<string[]>("Languages", []), e.GetBoolean("MedicalCare") ?? false)),
        e.FromJson<CaseState>("State", null!) ?? throw new InvalidOperationException("A relocation row without state."),
        e.FromJson<RoundRecord[]>("Rounds", []),
        e.FromJson<OfferRecord[]>("Offers", []),
        e.FromJson<TimelineEntry[]>("Timeline", []),
        e.ETag.ToString(),
        e.GetInt64("TimelineOffset") ?? 0);
}
