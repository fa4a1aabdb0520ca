using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Fund;

namespace Relocation.Storage.Fund;

/// <summary>
/// The bulk import: the same fold as <see cref="PostAsync"/> and its roll-forward, done in memory (<see cref="FundBook"/>
/// decides each posting as the table ledger does, the property tests hold them equal), then written as the ledger would
/// stand after posting each in turn, one run of <see cref="SealAsync"/> once <see cref="SealHorizon"/> has passed, and
/// another once <see cref="KeyMapHorizon"/> has: the full segments as sealed blobs (their postings' documents too) with
/// their keys in the key map (no key rows: nothing can be rolling forward in a ledger being imported), the rest as rows.
/// The last full segment is sealed too, which the live path does only once a posting has passed it: nothing can be
/// writing a slot of a ledger being imported. For a ledger nobody uses until the import returns (a migration, the
/// history bench): a crash part-way leaves a ledger to delete and import again.
/// </summary>
internal sealed partial class TableFundLedger : IFundLedgerImport
{
    private const int BatchSize = 100;

    public async Task<int> ImportAsync(IEnumerable<(FundCommand Command, string IdempotencyKey)> postings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(postings);
        var all = postings.ToList();
        if (all.Count == 0)
        {
            // Nothing to import: posting one by one would have written no row, not even the head (reading the head
            // creates it).
            return 0;
        }

        var head = await CurrentHeadAsync(cancellationToken);
        if (head.Position.Sequence != 0)
        {
            throw new InvalidOperationException("The ledger already holds postings; an import only fills an empty one.");
        }

        // Decide every posting first: a refused command throws here, before anything is written.
        var book = new FundBook();
        var days = new SortedDictionary<DateOnly, DayRow>();
        foreach (var (command, key) in all)
        {
            var latest = book.Position.LatestDate;
            var result = book.Post(command, key, time.GetUtcNow());
            if (!result.Replayed)
            {
                FoldIntoDays(days, result.Posting, latest);
            }
        }

        // Full segments go to blobs, as the seal job would leave them; their slot, donor and posting rows are not written
        // (their ids go to the key map, as the job leaves them a week on).
        var sealedUpTo = book.Postings.Count / _segmentSize * _segmentSize;
        var slots = book.Postings.Where(p => p.Sequence > sealedUpTo).Select(SlotEntity).ToList();
        var rows = new List<TableEntity>();
        foreach (var posting in book.Postings)
        {
            var document = book.Documents[posting.Id];
            if (posting.Sequence > sealedUpTo)
            {
                rows.Add(DocumentEntity(posting.Sequence, document));
            }

            if (document is { Kind: PostingKind.Pledge, OutstandingAmount: > 0, CorrectedBy: null })
            {
                rows.Add(new TableEntity(PledgePartition, posting.Id) { ["LastSequence"] = document.LastSequence, ["Document"] = JsonSerializer.Serialize(document, Json) });
            }

            if (posting.Sequence > sealedUpTo)
            {
                rows.AddRange(DonorsOf(posting).Select(donor => DonorEntity(donor, posting)));
            }

            // A case's commitments stay indexed after sealing (the seal job leaves them), as the live path writes them.
            if (posting is { Kind: PostingKind.Commitment, RelocationId: { Length: > 0 } relocationId })
            {
                rows.Add(RelocationEntity(relocationId, posting));
            }
        }

        if (sealedUpTo > 0)
        {
            await _sealed.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            var segments = book.Postings.Where(p => p.Sequence <= sealedUpTo).GroupBy(p => (p.Sequence - 1) / _segmentSize);
            await Parallel.ForEachAsync(segments, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (segment, token) =>
            {
                var postingsOf = segment.ToList();
                foreach (var donor in postingsOf.SelectMany(p => DonorsOf(p).Select(d => (Donor: d, Posting: p))).GroupBy(x => x.Donor, StringComparer.Ordinal))
                {
                    await UploadOnceAsync(DonorBlob(donor.Key, segment.Key), donor.Select(x => x.Posting).ToList(), token);
                }

                await UploadOnceAsync(DocumentsBlob(segment.Key), postingsOf.Select(p => book.Documents[p.Id]).ToList(), token);
                await UploadOnceAsync(SlotBlob(segment.Key), postingsOf, token, SealedStamp());
            });
        }

        await AddInBatchesAsync(_table, rows, cancellationToken);
        if (sealedUpTo > 0)
        {
            // Bucket rows of up to 40 KB at a million postings: 10 to a transaction keeps it under the service's 4 MiB.
            await AddInBatchesAsync(_table, [.. KeyMapEntities(book.Postings.Where(p => p.Sequence <= sealedUpTo), sealedUpTo / _segmentSize)], cancellationToken, batchSize: 10);
        }

        await AddInBatchesAsync(_days, [.. days.Select(d => DayEntity(d.Key, d.Value.Position, d.Value.LastSequence))], cancellationToken);
        if (book.Postings.Count > 0)
        {
            // The head before the open segment's slots: a slot beyond the head would be rolled forward by a reader.
            await _table.UpdateEntityAsync(HeadEntity(book.Position), head.ETag, TableUpdateMode.Replace, cancellationToken);
        }

        await AddInBatchesAsync(_table, slots, cancellationToken);
        return book.Postings.Count;
    }

    /// <summary>What <see cref="ApplyToDaysAsync"/> does to the day rows, on rows held in memory.</summary>
    private static void FoldIntoDays(SortedDictionary<DateOnly, DayRow> days, Posting posting, DateOnly? latest)
    {
        if (latest is { } before && posting.Date < before)
        {
            // Back-dated: the posting's own day (from the last day before it when new), then every later day.
            if (!days.ContainsKey(posting.Date))
            {
                var previous = days.Keys.Where(d => d < posting.Date).Select(d => days[d].Position).LastOrDefault();
                var position = previous?.Copy() ?? new FundPosition();
                position.Apply(posting);
                days[posting.Date] = new DayRow(position, posting.Sequence);
            }

            // The posting's own day too when it was there (a new one already holds the posting: With leaves it).
            foreach (var day in days.Keys.Where(d => d >= posting.Date).ToList())
            {
                days[day] = days[day].With(posting);
            }

            return;
        }

        if (latest is { } same && posting.Date == same)
        {
            days[same] = days[same].With(posting);
            return;
        }

        // Dated after the latest day: the days between carry the latest day's position.
        var carried = latest is { } from ? days[from] : new DayRow(new FundPosition(), 0);
        for (var day = latest?.AddDays(1) ?? posting.Date; day < posting.Date; day = day.AddDays(1))
        {
            days.TryAdd(day, carried);
        }

        days[posting.Date] = days.TryGetValue(posting.Date, out var existing) ? existing.With(posting) : carried.With(posting);
    }

    private static async Task AddInBatchesAsync(TableClient table, IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken, int batchSize = BatchSize)
    {
        // One transaction per partition and 100 rows (the service's limits); partitions side by side.
        var batches = rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(batchSize)).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (batch, token) =>
            await table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), token));
    }

    private sealed record DayRow(FundPosition Position, long LastSequence)
    {
        public DayRow With(Posting posting)
        {
            if (LastSequence >= posting.Sequence)
            {
                return this;
            }

            var position = Position.Copy();
            position.Apply(posting);
            return new DayRow(position, posting.Sequence);
        }
    }
}
