using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Relocation.Domain.Fund;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Fund;

/// <summary>
/// Sealed segments (docs/storage.md, "Keeping history out of the queried tables"). The slots are the ledger's
/// append-only log: once the head has passed a segment (<see cref="_segmentSize"/> sequences) none of its slots can
/// change, and they are read only by a posting's lookup by id and by reports. Such a segment is written create-only as
/// <c>slots/{segment}.json</c>, with each donor's share as <c>donors/{donor}/{segment}.json</c> and its postings'
/// documents as they stand as <c>documents/{segment}.json</c>, then its slot and donor rows leave the table and its
/// posting rows keep only their sequence (key rows). The blobs are written before any row changes, the donors' and
/// documents' before the slots' (the slot blob is what marks the segment sealed), so a reader that misses a row finds
/// the posting in a blob, and a run that died part-way is finished by the next (the segment's last slot is removed last).
/// <para>A posting row is slimmed only if its document is still the one the documents blob holds (If-Match on the row
/// read), and a later posting that changes a sealed document writes it back into the row; so a row with a document is
/// always current, and a key row's document is the blob's. A key row stays for <see cref="KeyMapHorizon"/> after its
/// segment's sealing (a duplicate roll-forward's insert of the row fails, 409, so it cannot put back an older
/// document), then is folded into the key map and deleted (TableFundLedger.Keys.cs: by then no roll-forward that could
/// insert it is still allowed to, <see cref="RollForwardLimit"/>). A replay of an old key is recognised by one point
/// read of its row, or of its bucket when the row is gone (then the document's content hash, from the cached blob).</para>
/// Open pledges, days and the head stay: decisions and balances read them by point.
/// </summary>
internal sealed partial class TableFundLedger : IFundArchive
{
    public const string SealedContainer = "fund-sealed";
    public const int DefaultSegmentSize = 1000;
    private const int CachedSegments = 4;

    private readonly BlobContainerClient _sealed = clients.Container(SealedContainer);
    private readonly ConcurrentDictionary<long, IReadOnlyList<Posting>> _segments = new();
    private readonly ConcurrentDictionary<long, IReadOnlyDictionary<string, FundDocument>> _documents = new();

    public async Task<int> SealAsync(CancellationToken cancellationToken)
    {
        var head = await CurrentHeadAsync(cancellationToken);
        await _sealed.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var sealedCount = 0;
        var first = await NextUnsealedAsync(cancellationToken);
        if (first > 0 && await _table.FindAsync<TableEntity>(SlotPartition, SlotKey(first * _segmentSize), cancellationToken) is not null)
        {
            // The last sealed segment's last slot is still there (it is deleted last): a run died part-way; finish it.
            first--;
        }

        for (var segment = first; (segment + 1) * _segmentSize <= head.Position.Sequence; segment++)
        {
            if (await SegmentAsync(segment, cancellationToken) is { } written)
            {
                await SealDocumentsAsync(segment, written, cancellationToken);
                await DeleteRowsAsync(segment, written, cancellationToken);
                continue;
            }

            var postings = new List<Posting>();
            var filter = $"PartitionKey eq '{SlotPartition}' and RowKey ge '{SlotKey((segment * _segmentSize) + 1)}' and RowKey le '{SlotKey((segment + 1) * _segmentSize)}'";
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                postings.Add(ReadPosting(row));
            }

            if (postings.Count != _segmentSize)
            {
                // Every slot up to the head exists; fewer means rows were deleted by a run whose slot blob is missing.
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"Fund segment {segment} holds {postings.Count} slots of {_segmentSize}; not sealed."));
            }

            postings.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            var byDonor = postings.SelectMany(p => DonorsOf(p).Select(d => (Donor: d, Posting: p))).GroupBy(x => x.Donor, StringComparer.Ordinal).ToList();
            foreach (var donor in byDonor)
            {
                await UploadOnceAsync(DonorBlob(donor.Key, segment), donor.Select(x => x.Posting).ToList(), cancellationToken);
            }

            await WriteDocumentsAsync(segment, postings, cancellationToken);
            // Stamped with when it was sealed (after the head read that passed it): the key map's horizon counts from it.
            await UploadOnceAsync(SlotBlob(segment), postings, cancellationToken, SealedStamp());
            await SealDocumentsAsync(segment, postings, cancellationToken);
            await DeleteRowsAsync(segment, postings, cancellationToken);
            sealedCount++;
        }

        // Only after a pass that finished: every sealed segment's rows are slimmed or gone, so its key rows are all there is.
        await CollapseKeysAsync(cancellationToken);
        return sealedCount;
    }

    /// <summary>The segment's donor rows, then its slots, the last slot last (its presence tells a run that died part-way).</summary>
    private async Task DeleteRowsAsync(long segment, IReadOnlyList<Posting> postings, CancellationToken cancellationToken)
    {
        foreach (var donor in postings.SelectMany(p => DonorsOf(p).Select(d => (Donor: d, Posting: p))).GroupBy(x => x.Donor, StringComparer.Ordinal))
        {
            await DeleteAllAsync($"{DonorPartitionPrefix}{donor.Key}", donor.Select(x => DonorEntity(donor.Key, x.Posting).RowKey), cancellationToken);
        }

        var last = SlotKey((segment + 1) * _segmentSize);
        await DeleteAllAsync(SlotPartition, postings.Select(p => SlotKey(p.Sequence)).Where(k => k != last), cancellationToken);
        await _table.DeleteEntityAsync(SlotPartition, last, ETag.All, cancellationToken);
    }

    /// <summary>The segment's documents as they stand, create-only (a run that died after writing them keeps its blob).</summary>
    private async Task WriteDocumentsAsync(long segment, List<Posting> postings, CancellationToken cancellationToken)
    {
        if (await DownloadAsync<FundDocument>(DocumentsBlob(segment), cancellationToken) is not null)
        {
            return;
        }

        var documents = new List<FundDocument>(postings.Count);
        foreach (var posting in postings)
        {
            var row = await _table.FindAsync<TableEntity>(PostingPartition, posting.Id, cancellationToken)
                ?? throw new InvalidOperationException("A posting below the head without its row.");
            documents.Add(await ReadDocumentAsync(row, cancellationToken));
        }

        await UploadOnceAsync(DocumentsBlob(segment), documents, cancellationToken);
    }

    /// <summary>
    /// Slims each posting row of the segment to its key row, if its document is the one the segment's blob holds (If-Match
    /// on the row read: a posting that changed it since keeps it in the row, where it is newer than the blob).
    /// </summary>
    private async Task SealDocumentsAsync(long segment, IReadOnlyList<Posting> postings, CancellationToken cancellationToken)
    {
        if (await DocumentsAsync(segment, cancellationToken) is not { } documents)
        {
            // Sealed before documents were: they stay in their rows, which is equally correct.
            return;
        }

        foreach (var posting in postings)
        {
            var row = await _table.FindAsync<TableEntity>(PostingPartition, posting.Id, cancellationToken);
            if (row?.GetString("Document") is not { } text || !documents.TryGetValue(posting.Id, out var kept)
                || text != JsonSerializer.Serialize(kept, Json))
            {
                continue;
            }

            try
            {
                await _table.UpdateEntityAsync(KeyEntity(posting.Sequence, posting.Id), row.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.IsPreconditionFailed())
            {
                // Changed by a posting since it was read: it stays in the row.
            }
        }
    }

    /// <summary>A sealed posting's document as its segment's blob holds it (null when the segment's documents are not sealed).</summary>
    private async Task<FundDocument?> FindSealedDocumentAsync(long sequence, string id, CancellationToken cancellationToken) =>
        (await DocumentsAsync((sequence - 1) / _segmentSize, cancellationToken))?.GetValueOrDefault(id);

    private async Task<IReadOnlyDictionary<string, FundDocument>?> DocumentsAsync(long segment, CancellationToken cancellationToken)
    {
        if (_documents.TryGetValue(segment, out var cached))
        {
            return cached;
        }

        if (await DownloadAsync<FundDocument>(DocumentsBlob(segment), cancellationToken) is not { } documents)
        {
            return null;
        }

        if (_documents.Count >= CachedSegments)
        {
            _documents.Clear(); // a few segments at most in memory: an old posting's document is rarely needed
        }

        var byId = documents.ToDictionary(d => d.Id, StringComparer.Ordinal);
        _documents[segment] = byId;
        return byId;
    }


    /// <summary>A sealed posting, by sequence (null when its segment is not sealed).</summary>
    private async Task<Posting?> FindSealedAsync(long sequence, CancellationToken cancellationToken) =>
        (await SegmentAsync((sequence - 1) / _segmentSize, cancellationToken))?.FirstOrDefault(p => p.Sequence == sequence);

    private async Task<IReadOnlyList<Posting>?> SegmentAsync(long segment, CancellationToken cancellationToken)
    {
        if (_segments.TryGetValue(segment, out var cached))
        {
            return cached;
        }

        var postings = await DownloadAsync<Posting>(SlotBlob(segment), cancellationToken);
        if (postings is not null)
        {
            if (_segments.Count >= CachedSegments)
            {
                _segments.Clear(); // a few segments at most in memory: lookups of old postings are rare
            }

            _segments[segment] = postings;
        }

        return postings;
    }

    /// <summary>Every sealed posting under a prefix (<c>slots/</c>, or a donor's), in blob order.</summary>
    private async Task<List<Posting>> ReadSealedAsync(string prefix, CancellationToken cancellationToken)
    {
        var postings = new List<Posting>();
        if (!await _sealed.ExistsAsync(cancellationToken))
        {
            return postings;
        }

        await foreach (var blob in _sealed.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            postings.AddRange(await DownloadAsync<Posting>(blob.Name, cancellationToken) ?? []);
        }

        return postings;
    }

    private async Task<long> NextUnsealedAsync(CancellationToken cancellationToken)
    {
        long next = 0;
        await foreach (var blob in _sealed.GetBlobsAsync(new GetBlobsOptions { Prefix = "slots/" }, cancellationToken))
        {
            next = Math.Max(next, SegmentOf(blob.Name) + 1);
        }

        return next;
    }

    /// <summary>A sealed blob's list (a segment's postings or documents); null when that blob was never written.</summary>
    private async Task<List<T>?> DownloadAsync<T>(string name, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _sealed.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<List<T>>(Json);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task UploadOnceAsync<T>(string name, IReadOnlyList<T> items, CancellationToken cancellationToken, IDictionary<string, string>? metadata = null)
    {
        try
        {
            // Create-only: a segment never changes (in Azure the container can carry a time-based immutability policy).
            await _sealed.GetBlobClient(name).UploadAsync(BinaryData.FromObjectAsJson(items, Json),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All }, Metadata = metadata }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Written by a run that died before deleting the rows: the same postings (slots never change); for documents,
            // the blob a row is compared with before it is slimmed.
        }
    }

    private async Task DeleteAllAsync(string partition, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        foreach (var chunk in rowKeys.Chunk(BatchSize))
        {
            try
            {
                await _table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, k), ETag.All)), cancellationToken);
            }
            catch (TableTransactionFailedException)
            {
                // Some already deleted by a run that died part-way: one by one, a missing row is fine.
                foreach (var key in chunk)
                {
                    await _table.DeleteEntityAsync(partition, key, ETag.All, cancellationToken);
                }
            }
        }
    }

    private Dictionary<string, string> SealedStamp() =>
        new(StringComparer.Ordinal) { [SealedAtMetadata] = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) };

    private static string SlotBlob(long segment) => string.Create(CultureInfo.InvariantCulture, $"slots/{segment:D9}.json");

    private static string DocumentsBlob(long segment) => string.Create(CultureInfo.InvariantCulture, $"documents/{segment:D9}.json");

    private static string DonorBlob(string donor, long segment) => string.Create(CultureInfo.InvariantCulture, $"donors/{donor}/{segment:D9}.json");
}
