using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Fund;

/// <summary>
/// The fund ledger in two tables.
/// <para><b>FundLedger</b>:
/// <c>(head, head)</c> the head: the sequence applied so far and the <see cref="FundPosition"/> (running totals, by donor,
/// by year, by earmark) as JSON — a balance is this one read;
/// <c>(slot, {sequence:D12})</c> one row per posting, insert-only: the posting as JSON;
/// <c>(posting, {postingId})</c> one row per posting: its <see cref="FundDocument"/> (pledge outstanding, commitment
/// remaining, corrected by) and content hash. The posting id is derived from the idempotency key, so this row is also
/// the key → posting map the ledger's own idempotency needs. Once the posting's segment is sealed the row keeps only
/// its <c>Sequence</c> (the key row) and the document is read from the segment's documents blob, until a later posting
/// changes it: then the row holds the document again (see TableFundLedger.Seal.cs). A week after its segment was sealed
/// the key row itself leaves the table for the key map, one row per hash bucket (TableFundLedger.Keys.cs): a posting
/// whose row is absent is looked up there.</para>
/// <para><b>FundDays</b>: <c>(day, {99999999 − yyyyMMdd})</c> the cumulative position at the end of each value date that
/// has postings; the inverted key makes "the last day on or before D" the first row of a range query (one row read).</para>
/// <para><b>Concurrency.</b> The commit point of a posting is the insert of its slot row <c>head.Sequence + 1</c>: an
/// insert of an existing row fails (409) on single entities, in Azure and in Azurite alike, so exactly one writer
/// owns each sequence number, and it decided its posting against the head at the sequence before — the state that
/// really precedes it. That holds while the slot's row is there to fail the insert: a sealed segment's rows leave the
/// table, so a writer inserts only within <see cref="RollForwardLimit"/> of its head read (else it decides again from
/// a fresh head), and a segment is sealed only <see cref="SealHorizon"/> after the first posting past it was decided
/// (TableFundLedger.Seal.cs; docs/storage.md, *Slots: the seal's horizon*). No batch is used for anything conditional (Azurite ignores If-Match inside batches). After the
/// insert the posting is folded in ("rolled forward"), each step idempotent and conditional on a single entity:
/// its own posting row (insert, 409 = already there), the documents it touches and the day rows on or after its date
/// (each carries the last sequence applied to it; If-Match update, 412 = re-read), and last the head (If-Match on the
/// head's ETag). A writer that crashes after its insert leaves a slot beyond the head; the next writer's insert of that
/// slot fails, and so does any reader's look-ahead read: either rolls it forward first. So readers never miss a
/// committed posting and never see one twice; a loser of the race for a slot re-reads the head and decides again
/// (its posting may now be refused: ConflictException → 409).</para>
/// </summary>
internal sealed partial class TableFundLedger(StorageClients clients, TimeProvider time, int segmentSize = TableFundLedger.DefaultSegmentSize) : IFundLedger
{
    public const string Table = "FundLedger";
    public const string DaysTable = "FundDays";
    private const string HeadKey = "head";
    private const string SlotPartition = "slot";
    private const string PostingPartition = "posting";
    private const string DayPartition = "day";
    private const string PledgePartition = "pledge";
    private const string DonorPartitionPrefix = "donor-";
    private const string RelocationPartitionPrefix = "relocation-";
    private const int MaxAttempts = 300;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly TableClient _table = clients.Table(Table);
    private readonly TableClient _days = clients.Table(DaysTable);
    private readonly long _segmentSize = segmentSize > 0 ? segmentSize : throw new ArgumentOutOfRangeException(nameof(segmentSize));

    public async Task<PostingResult> PostAsync(FundCommand command, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var id = Posting.IdFor(idempotencyKey);
        var hash = command.ContentHash();
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var head = await CurrentHeadAsync(cancellationToken);

            // Read after the head: a posting applied up to the head has its row, so a retry of it is found here.
            var existing = await FindDocumentAsync(id, cancellationToken);
            if (existing is not null)
            {
                return existing.ContentHash == hash
                    ? new PostingResult(await FindAsync(id, cancellationToken) ?? throw new InvalidOperationException("Posting row without slot."), Replayed: true)
                    : throw new ConflictException("This idempotency key was used before for a different posting.");
            }

            var documents = await LoadDocumentsAsync(command, cancellationToken);
            var posting = FundRules.Decide(command, id, head.Position.Sequence + 1, time.GetUtcNow(), head.Position, d => documents.GetValueOrDefault(d));
            if (!Fresh(head))
            {
                // Read too long ago: the head may have passed this slot's segment since and the seal job removed its
                // rows (it waits SealHorizon after the first posting past a segment), so the insert might not fail
                // and would commit a posting under a sealed sequence no reader folds in. Decide again from a fresh head.
                continue;
            }

            try
            {
                await _table.AddEntityAsync(SlotEntity(posting), cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.IsConflict())
            {
                // Another writer took this sequence: fold it in on the next turn and decide again against it.
                await Task.Delay(Random.Shared.Next(2, 20 + Math.Min(attempt, 40) * 2), cancellationToken);
                continue;
            }

            if (!await RollForwardAsync(posting, head, cancellationToken))
            {
                // Too long since the head was read to insert rows safely: fold it in (or find it folded) from a fresh head.
                await CurrentHeadAsync(cancellationToken);
            }

            return new PostingResult(posting, Replayed: false);
        }

        throw new ConflictException("The fund ledger is too busy; retry.");
    }

    public async Task<Posting?> FindAsync(string postingId, CancellationToken cancellationToken)
    {
        if (!FundCommands.IsId(postingId))
        {
            return null;
        }

        var row = await _table.FindAsync<TableEntity>(PostingPartition, postingId, cancellationToken);
        // The row first; only when it is absent the key map (a collapsed key row is in the map before it is deleted).
        if ((row?.GetInt64("Sequence") ?? await FindKeyAsync(postingId, cancellationToken)) is not { } sequence)
        {
            return null;
        }

        var slot = await _table.FindAsync<TableEntity>(SlotPartition, SlotKey(sequence), cancellationToken);
        // A slot that left the table is in its sealed segment's blob (written before the row was deleted).
        return slot is null ? await FindSealedAsync(sequence, cancellationToken) : ReadPosting(slot);
    }

    public async Task<FundDocument?> FindDocumentAsync(string postingId, CancellationToken cancellationToken)
    {
        if (!FundCommands.IsId(postingId))
        {
            return null;
        }

        var row = await _table.FindAsync<TableEntity>(PostingPartition, postingId, cancellationToken);
        if (row is not null)
        {
            return await ReadDocumentAsync(row, cancellationToken);
        }

        return await FindKeyAsync(postingId, cancellationToken) is { } sequence ? await SealedDocumentAsync(sequence, postingId, cancellationToken) : null;
    }

    /// <summary>The row's document, or for a sealed posting's key row (no document) the one its segment's blob holds.</summary>
    private async Task<FundDocument> ReadDocumentAsync(TableEntity row, CancellationToken cancellationToken)
    {
        if (row.GetString("Document") is { } text)
        {
            return JsonSerializer.Deserialize<FundDocument>(text, Json)!;
        }

        var sequence = row.GetInt64("Sequence") ?? throw new InvalidOperationException("A posting row without its sequence.");
        return await SealedDocumentAsync(sequence, row.RowKey, cancellationToken);
    }

    private async Task<FundDocument> SealedDocumentAsync(long sequence, string id, CancellationToken cancellationToken) =>
        await FindSealedDocumentAsync(sequence, id, cancellationToken)
            ?? throw new InvalidOperationException("A sealed posting's document is missing from its segment.");

    public async Task<FundBalance> BalanceAsync(DateOnly? asOf, CancellationToken cancellationToken)
    {
        var head = await CurrentHeadAsync(cancellationToken);
        if (asOf is null)
        {
            return FundBalance.From(head.Position, null);
        }

        // On or after the latest value date the position is the head's; otherwise the day's own row (every calendar day
        // from the first posting to the latest has one, see ApplyToDaysAsync): point reads, whatever the ledger holds.
        if (head.Position.LatestDate is not { } latest || asOf.Value >= latest)
        {
            return FundBalance.From(head.Position, asOf);
        }

        // A day of a sealed year (two or more years back) is in its year's blob when its row has left the table.
        if (await DayAsync(asOf.Value, asOf.Value.Year <= SealableThrough(latest), cancellationToken) is { } day)
        {
            return FundBalance.From(day.Position, asOf);
        }

        // Before the first posting, or a day no row was filled for (days written before the rows were filled): the
        // range query finds the last day before it.
        var filter = $"PartitionKey eq '{DayPartition}' and RowKey ge '{DayKey(asOf.Value)}'";
        await foreach (var row in _days.QueryAsync<TableEntity>(filter, maxPerPage: 1, cancellationToken: cancellationToken))
        {
            return FundBalance.From(ReadPosition(row), asOf);
        }

        return FundBalance.From(new FundPosition(), asOf);
    }

    public async Task<IReadOnlyList<FundDocument>> PledgesAsync(CancellationToken cancellationToken)
    {
        await CurrentHeadAsync(cancellationToken);
        var pledges = new List<FundDocument>();
        await foreach (var row in _table.QueryAsync<TableEntity>($"PartitionKey eq '{PledgePartition}'", cancellationToken: cancellationToken))
        {
            pledges.Add(JsonSerializer.Deserialize<FundDocument>(row.GetString("Document"), Json)!);
        }

        return pledges;
    }

    public async Task<IReadOnlyList<Posting>> DonorPostingsAsync(string donorId, CancellationToken cancellationToken)
    {
        var postings = new List<Posting>();
        if (!FundDonorIds.IsValid(donorId))
        {
            return postings;
        }

        // Only postings the head includes: a slot beyond it is rolled forward first, so nothing committed is missed.
        var head = await CurrentHeadAsync(cancellationToken);
        var rows = new List<Posting>();
        await foreach (var row in _table.QueryAsync<TableEntity>($"PartitionKey eq '{DonorPartitionPrefix}{donorId}'", cancellationToken: cancellationToken))
        {
            rows.Add(ReadPosting(row));
        }

        // The sealed segments' share first; a row a sealing run has not deleted yet is in both.
        postings.AddRange((await ReadSealedAsync($"donors/{donorId}/", cancellationToken)).Concat(rows).Where(p => p.Sequence <= head.Position.Sequence).DistinctBy(p => p.Sequence));
        return [.. postings.OrderBy(p => p.Date).ThenBy(p => p.Sequence)];
    }

    public async Task<IReadOnlyList<FundDocument>> RelocationCommitmentsAsync(string relocationId, CancellationToken cancellationToken)
    {
        var commitments = new List<FundDocument>();
        if (!FundCommands.IsRelocationId(relocationId))
        {
            return commitments;
        }

        // The head first: a commitment committed but not yet rolled forward gets its index row before the partition is read.
        await CurrentHeadAsync(cancellationToken);
        await foreach (var row in _table.QueryAsync<TableEntity>($"PartitionKey eq '{RelocationPartitionPrefix}{relocationId}'", select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (await FindDocumentAsync(row.RowKey, cancellationToken) is { Kind: PostingKind.Commitment } commitment)
            {
                commitments.Add(commitment);
            }
        }

        return commitments;
    }

    public async IAsyncEnumerable<Posting> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var head = await CurrentHeadAsync(cancellationToken);
        var postings = await ReadSealedAsync("slots/", cancellationToken);
        await foreach (var row in _table.QueryAsync<TableEntity>($"PartitionKey eq '{SlotPartition}' and RowKey le '{SlotKey(head.Position.Sequence)}'", cancellationToken: cancellationToken))
        {
            postings.Add(ReadPosting(row));
        }

        foreach (var posting in postings.DistinctBy(p => p.Sequence).OrderBy(p => p.Sequence))
        {
            yield return posting;
        }
    }

    /// <summary>The head, after rolling forward any posting a crashed writer committed but did not fold in.</summary>
    private async Task<Head> CurrentHeadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var head = await ReadHeadAsync(cancellationToken);
            var next = await _table.FindAsync<TableEntity>(SlotPartition, SlotKey(head.Position.Sequence + 1), cancellationToken);
            if (next is null)
            {
                return head;
            }

            // Gave up (a head read too long ago) or done: either way the next turn reads the head again.
            await RollForwardAsync(ReadPosting(next), head, cancellationToken);
        }
    }

    private async Task<Head> ReadHeadAsync(CancellationToken cancellationToken)
    {
        // Taken before the read: a roll-forward measures its age from no later than the head it decides against.
        var readAt = time.GetUtcNow();
        var row = await _table.FindAsync<TableEntity>(HeadKey, HeadKey, cancellationToken);
        if (row is null)
        {
            try
            {
                await _table.AddEntityAsync(new TableEntity(HeadKey, HeadKey) { ["Sequence"] = 0L, ["Position"] = JsonSerializer.Serialize(new FundPosition(), Json) }, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.IsConflict())
            {
                // Created by a concurrent first writer.
            }

            row = await _table.FindAsync<TableEntity>(HeadKey, HeadKey, cancellationToken) ?? throw new InvalidOperationException("The fund head is missing.");
        }

        return new Head(ReadPosition(row), row.ETag, readAt);
    }

    private async Task<Dictionary<string, FundDocument>> LoadDocumentsAsync(FundCommand command, CancellationToken cancellationToken)
    {
        var documents = new Dictionary<string, FundDocument>(StringComparer.Ordinal);
        foreach (var id in FundRules.NamedDocuments(command))
        {
            if (await FindDocumentAsync(id, cancellationToken) is { } named)
            {
                documents[id] = named;
            }
        }

        var targetId = command.TargetId;
        if (targetId is null || await FindDocumentAsync(targetId, cancellationToken) is not { } target)
        {
            return documents;
        }

        documents[targetId] = target;
        foreach (var id in FundRules.SecondaryDocuments(target))
        {
            if (await FindDocumentAsync(id, cancellationToken) is { } secondary)
            {
                documents[id] = secondary;
            }
        }

        return documents;
    }

    /// <summary>
    /// Folds a committed posting into its rows; every step is idempotent, so any writer or reader may run it again.
    /// False when it gave up before inserting a row because its head was read more than <see cref="RollForwardLimit"/>
    /// ago: its posting row may have been sealed and folded into the key map since (a segment is folded only
    /// <see cref="KeyMapHorizon"/> after its sealing), and the insert would put the posting's first document back.
    /// </summary>
    internal async Task<bool> RollForwardAsync(Posting posting, Head head, CancellationToken cancellationToken)
    {
        if (!Fresh(head))
        {
            return false;
        }

        try
        {
            // Slimmed by the seal job, and a week later deleted once its key is in the key map: the time check above
            // keeps a late duplicate roll-forward from inserting it again with an older document.
            await _table.AddEntityAsync(DocumentEntity(posting.Sequence, FundDocument.Open(posting)), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsConflict())
        {
            // Written by an earlier roll-forward of the same posting; later postings may have changed it since.
        }

        foreach (var id in FundDocument.TouchedBy(posting))
        {
            await UpdateDocumentAsync(id, posting, cancellationToken);
        }

        // The indexes that keep the forecast and donor statements to bounded partition reads.
        foreach (var id in FundDocument.TouchedBy(posting).Prepend(posting.Id))
        {
            await CopyPledgeAsync(id, cancellationToken);
        }

        foreach (var donor in DonorsOf(posting))
        {
            if (!Fresh(head))
            {
                // The donor rows of a sealed segment are gone; a stale insert would leave a copy the blobs already hold.
                return false;
            }

            try
            {
                await _table.AddEntityAsync(DonorEntity(donor, posting), cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.IsConflict())
            {
                // Indexed by an earlier roll-forward of the same posting.
            }
        }

        if (posting is { Kind: PostingKind.Commitment, RelocationId: { Length: > 0 } relocationId })
        {
            // The case's commitments, so a cancellation finds them all by one bounded read. Never deleted (a handful per
            // case, and the seal job leaves the partition alone), so a late duplicate insert is harmless.
            try
            {
                await _table.AddEntityAsync(RelocationEntity(relocationId, posting), cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.IsConflict())
            {
                // Indexed by an earlier roll-forward of the same posting.
            }
        }

        await ApplyToDaysAsync(posting, head, cancellationToken);

        var position = head.Position.Copy();
        position.Apply(posting);
        try
        {
            await _table.UpdateEntityAsync(HeadEntity(position), head.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed())
        {
            // Someone else moved the head on; only a head that already includes this posting is possible here,
            // since nothing beyond this slot can be committed before the head reaches it.
        }

        return true;
    }

    private async Task UpdateDocumentAsync(string id, Posting posting, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await _table.FindAsync<TableEntity>(PostingPartition, id, cancellationToken);
            if (row is null)
            {
                await RestoreDocumentAsync(id, posting, cancellationToken);
                return;
            }

            var document = await ReadDocumentAsync(row, cancellationToken);
            if (document.LastSequence >= posting.Sequence)
            {
                return;
            }

            // A sealed posting's key row gets its document back: the row, when it holds one, is always the newer.
            try
            {
                await _table.UpdateEntityAsync(DocumentEntity(row.GetInt64("Sequence")!.Value, document.Apply(posting)), row.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.IsPreconditionFailed())
            {
                // A concurrent roll-forward of the same posting; re-read and see.
            }
        }
    }

    /// <summary>
    /// A posting changes a document whose key row was folded into the key map: the row comes back, holding the document
    /// its segment's blob kept with the posting applied (insert: 409 means another roll-forward put it back first, and
    /// that row, as any row, is then the newer). The blob's document is the current one while the row is absent, since
    /// only a key row (a document unchanged since its sealing) is ever deleted; so a late duplicate roll-forward finds
    /// its posting already applied there (its <c>LastSequence</c>) and writes nothing.
    /// </summary>
    private async Task RestoreDocumentAsync(string id, Posting posting, CancellationToken cancellationToken)
    {
        if (await FindKeyAsync(id, cancellationToken) is not { } sequence)
        {
            return;
        }

        var document = await SealedDocumentAsync(sequence, id, cancellationToken);
        if (document.LastSequence >= posting.Sequence)
        {
            return;
        }

        try
        {
            await _table.AddEntityAsync(DocumentEntity(sequence, document.Apply(posting)), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsConflict())
        {
            // Put back by a concurrent roll-forward meanwhile: the row path takes it from here (a row is never deleted again).
            await UpdateDocumentAsync(id, posting, cancellationToken);
        }
    }

    /// <summary>
    /// Copies a pledge's document to the pledge partition, unless the copy there is as recent (each copy carries the
    /// document's last sequence, so a late roll-forward never puts back an older state).
    /// </summary>
    private async Task CopyPledgeAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var document = await FindDocumentAsync(id, cancellationToken);
            if (document is not { Kind: PostingKind.Pledge })
            {
                return;
            }

            var copy = await _table.FindAsync<TableEntity>(PledgePartition, id, cancellationToken);
            if ((copy?.GetInt64("LastSequence") ?? 0) >= document.LastSequence && copy is not null)
            {
                return;
            }

            var entity = new TableEntity(PledgePartition, id) { ["LastSequence"] = document.LastSequence, ["Document"] = JsonSerializer.Serialize(document, Json) };
            try
            {
                if (document.OutstandingAmount <= 0 || document.CorrectedBy is not null)
                {
                    // Settled, written off or corrected away: the partition keeps open pledges only, so reading it costs
                    // what is outstanding, not every pledge ever made. A correction that reopens it copies it back.
                    if (copy is not null)
                    {
                        await _table.DeleteEntityAsync(PledgePartition, id, copy.ETag, cancellationToken);
                    }

                    return;
                }

                if (copy is null)
                {
                    await _table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await _table.UpdateEntityAsync(entity, copy.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.IsConflict() || ex.IsPreconditionFailed() || ex.IsNotFound())
            {
                // Another roll-forward wrote it meanwhile; re-read and compare.
            }
        }
    }

    /// <summary>
    /// Adds the posting to the cumulative row of its date and of every later day. A posting dated on or after the latest
    /// value date (nearly all of them) touches only point rows: its day's row, and when it is a new day, the days since the
    /// latest one are filled with the latest position, so that every calendar day from the first posting on has a row
    /// and a balance as of any date is one point read (Azurite walks the whole table for any range query, and the table
    /// grows by a row a day). A back-dated posting updates the days on or after its date by range, as before.
    /// </summary>
    private async Task ApplyToDaysAsync(Posting posting, Head head, CancellationToken cancellationToken)
    {
        if (await ApplyForwardAsync(posting, head.Position.LatestDate, cancellationToken))
        {
            return;
        }

        while (true)
        {
            var later = new List<TableEntity>();
            // Inverted keys: the days on or after the posting's date, newest first: one row for a posting dated today, one
            // page (1,000 days with postings) unless it is dated years back. Never the days before it.
            await foreach (var row in _days.QueryAsync<TableEntity>($"PartitionKey eq '{DayPartition}' and RowKey le '{DayKey(posting.Date)}'", maxPerPage: 1000, cancellationToken: cancellationToken))
            {
                later.Add(row);
            }

            // Listed after the table was read: a row the year job deleted before that read is in a blob listed here.
            var sealedYears = await SealedYearsAsync(cancellationToken);
            if (!later.Any(r => r.RowKey == DayKey(posting.Date))
                && !(sealedYears.Contains(posting.Date.Year) && await DayAsync(posting.Date, maybeSealed: true, cancellationToken) is { } sealedDay && sealedDay.Date == posting.Date))
            {
                // A new day (dated before the ledger's first): the last day before it, then always a row (an atomic insert).
                var dayBefore = posting.Date.AddDays(-1);
                var position = (await DayAsync(dayBefore, sealedYears.Contains(dayBefore.Year), cancellationToken))?.Position.Copy();
                if (position is null)
                {
                    position = new FundPosition();
                    await foreach (var row in _days.QueryAsync<TableEntity>($"PartitionKey eq '{DayPartition}' and RowKey gt '{DayKey(posting.Date)}'", maxPerPage: 1, cancellationToken: cancellationToken))
                    {
                        position = ReadPosition(row);
                        break;
                    }
                }

                position.Apply(posting);
                try
                {
                    await _days.AddEntityAsync(DayEntity(posting.Date, position, posting.Sequence), cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.IsConflict())
                {
                    continue;
                }
            }

            foreach (var row in later)
            {
                await ApplyToDayAsync(row, posting, sealedYears.Contains(DayOf(row).Year), cancellationToken);
            }

            // Then the sealed years' days from its date on that had no row here (those with one were just updated).
            var withRows = later.Select(DayOf).ToHashSet();
            foreach (var year in sealedYears.Where(y => y >= posting.Date.Year).Order())
            {
                await ApplyToSealedYearAsync(year, posting, d => !withRows.Contains(d), cancellationToken);
            }

            return;
        }
    }

    /// <summary>
    /// The posting when it is dated on or after <paramref name="latest"/>, the latest value date before it; false when it
    /// is back-dated or the latest day's row is missing (a ledger written before days were filled), for the range path.
    /// Rows are only ever inserted here (a conflict means another roll-forward of the same posting, or a later posting,
    /// wrote it first), so a late duplicate roll-forward never puts back an older position.
    /// </summary>
    private async Task<bool> ApplyForwardAsync(Posting posting, DateOnly? latest, CancellationToken cancellationToken)
    {
        if (latest is { } same && posting.Date == same)
        {
            if (await _days.FindAsync<TableEntity>(DayPartition, DayKey(same), cancellationToken) is not { } row)
            {
                return false;
            }

            await ApplyToDayAsync(row, posting, inSealedYear: false, cancellationToken);
            return true;
        }

        if (latest is { } before && posting.Date < before)
        {
            return false;
        }

        var position = new FundPosition();
        long lastSequence = 0;
        if (latest is { } from)
        {
            if (await _days.FindAsync<TableEntity>(DayPartition, DayKey(from), cancellationToken) is not { } row)
            {
                return false;
            }

            position = ReadPosition(row);
            lastSequence = row.GetInt64("LastSequence") ?? 0;
            var gap = new List<TableEntity>();
            for (var day = from.AddDays(1); day < posting.Date; day = day.AddDays(1))
            {
                gap.Add(DayEntity(day, position, lastSequence));
            }

            foreach (var chunk in gap.Chunk(100))
            {
                await AddAllAsync(chunk, cancellationToken);
            }
        }

        position.Apply(posting);
        try
        {
            await _days.AddEntityAsync(DayEntity(posting.Date, position, posting.Sequence), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsConflict())
        {
            var row = await _days.FindAsync<TableEntity>(DayPartition, DayKey(posting.Date), cancellationToken) ?? throw new InvalidOperationException("A day row vanished.");
            await ApplyToDayAsync(row, posting, inSealedYear: false, cancellationToken);
        }

        return true;
    }

    /// <summary>Inserts the rows in one transaction; when one is there already (a duplicate roll-forward), one by one.</summary>
    private async Task AddAllAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        try
        {
            await _days.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), cancellationToken);
        }
        catch (TableTransactionFailedException)
        {
            foreach (var row in rows)
            {
                try
                {
                    await _days.AddEntityAsync(row, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.IsConflict())
                {
                    // Filled by another roll-forward.
                }
            }
        }
    }

    /// <summary>
    /// Applies the posting to a day row (once: by its last sequence). In a sealed year the day's value is the newer of
    /// the row and the blob's entry; a row the year job deleted meanwhile is updated in its blob instead.
    /// </summary>
    private async Task ApplyToDayAsync(TableEntity row, Posting posting, bool inSealedYear, CancellationToken cancellationToken)
    {
        var date = DayOf(row);
        while (true)
        {
            var current = EntryOf(row);
            if (inSealedYear)
            {
                current = Newer(current, (await YearAsync(date.Year, cancellationToken))?.Find(date))!;
            }

            if (current.LastSequence >= posting.Sequence)
            {
                return;
            }

            var position = current.Position.Copy();
            position.Apply(posting);
            try
            {
                await _days.UpdateEntityAsync(DayEntity(date, position, posting.Sequence), row.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.IsPreconditionFailed() || ex.IsNotFound())
            {
                if (await _days.FindAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken) is { } again)
                {
                    row = again;
                    continue;
                }

                // Sealed meanwhile (the blob is written before a row is deleted): the day is updated there.
                if (!await ApplyToSealedYearAsync(date.Year, posting, d => d == date, cancellationToken))
                {
                    throw new InvalidOperationException("A day row vanished.");
                }

                return;
            }
        }
    }

    private static TableEntity SlotEntity(Posting posting) => new(SlotPartition, SlotKey(posting.Sequence))
    {
        ["PostingId"] = posting.Id,
        ["Kind"] = posting.Kind.ToString(),
        ["Posting"] = JsonSerializer.Serialize(posting, Json),
    };

    private static TableEntity DocumentEntity(long sequence, FundDocument document) => new(PostingPartition, document.Id)
    {
        ["Sequence"] = sequence,
        ["Kind"] = document.Kind.ToString(),
        ["Document"] = JsonSerializer.Serialize(document, Json),
    };

    /// <summary>A sealed posting's key row: its id (the key) and sequence; the document is in the segment's blob.</summary>
    private static TableEntity KeyEntity(long sequence, string id) => new(PostingPartition, id) { ["Sequence"] = sequence };

    private static IEnumerable<string> DonorsOf(Posting posting) =>
        posting.Revaluations.Select(r => r.DonorId).Append(posting.DonorStateCode).OfType<string>().Where(FundDonorIds.IsValid).Distinct(StringComparer.Ordinal);

    private static TableEntity DonorEntity(string donor, Posting posting) =>
        new($"{DonorPartitionPrefix}{donor}", $"{posting.Date:yyyyMMdd}-{SlotKey(posting.Sequence)}") { ["Posting"] = JsonSerializer.Serialize(posting, Json) };

    private static TableEntity RelocationEntity(string relocationId, Posting posting) =>
        new($"{RelocationPartitionPrefix}{relocationId}", posting.Id) { ["Sequence"] = posting.Sequence };

    private static TableEntity HeadEntity(FundPosition position) =>
        new(HeadKey, HeadKey) { ["Sequence"] = position.Sequence, ["Position"] = JsonSerializer.Serialize(position, Json) };

    private static TableEntity DayEntity(DateOnly date, FundPosition position, long lastSequence) => new(DayPartition, DayKey(date))
    {
        ["Date"] = date.ToColumn(),
        ["LastSequence"] = lastSequence,
        ["Position"] = JsonSerializer.Serialize(position, Json),
    };

    private static Posting ReadPosting(TableEntity row) => JsonSerializer.Deserialize<Posting>(row.GetString("Posting"), Json)!;

    private static FundPosition ReadPosition(TableEntity row) => JsonSerializer.Deserialize<FundPosition>(row.GetString("Position"), Json)!;

    private static string SlotKey(long sequence) => sequence.ToString("D12", CultureInfo.InvariantCulture);

    internal static string DayKey(DateOnly date) =>
        (99_999_999 - int.Parse(date.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)).ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>The head as read, and when the read began (a roll-forward's age, <see cref="RollForwardLimit"/>).</summary>
    internal sealed record Head(FundPosition Position, ETag ETag, DateTimeOffset ReadAt);
}
