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
/// <c>slots/{segment}.json</c>, with each donor's share as <c>donors/{donor}/{segment}.json</c>, then its slot and
/// donor rows leave the table. The blobs are written before any row is deleted, the donors' before the slots' (the slot
/// blob is what marks the segment sealed), so a reader that misses a row finds the posting in a blob, and a run that
/// died part-way is finished by the next. Documents, open pledges, days and the head stay: decisions and balances read
/// them by point.
/// </summary>
internal sealed partial class TableFundLedger : IFundArchive
{
    public const string SealedContainer = "fund-sealed";
    public const int DefaultSegmentSize = 1000;
    private const int CachedSegments = 4;

    private readonly BlobContainerClient _sealed = clients.Container(SealedContainer);
    private readonly ConcurrentDictionary<long, IReadOnlyList<Posting>> _segments = new();

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

            await UploadOnceAsync(SlotBlob(segment), postings, cancellationToken);
            await DeleteRowsAsync(segment, postings, cancellationToken);
            sealedCount++;
        }

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

    /// <summary>A sealed posting, by sequence (null when its segment is not sealed).</summary>
    private async Task<Posting?> FindSealedAsync(long sequence, CancellationToken cancellationToken) =>
        (await SegmentAsync((sequence - 1) / _segmentSize, cancellationToken))?.FirstOrDefault(p => p.Sequence == sequence);

    private async Task<IReadOnlyList<Posting>?> SegmentAsync(long segment, CancellationToken cancellationToken)
    {
        if (_segments.TryGetValue(segment, out var cached))
        {
            return cached;
        }

        var postings = await DownloadAsync(SlotBlob(segment), cancellationToken);
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
            postings.AddRange(await DownloadAsync(blob.Name, cancellationToken) ?? []);
        }

        return postings;
    }

    private async Task<long> NextUnsealedAsync(CancellationToken cancellationToken)
    {
        long next = 0;
        await foreach (var blob in _sealed.GetBlobsAsync(new GetBlobsOptions { Prefix = "slots/" }, cancellationToken))
        {
            next = Math.Max(next, long.Parse(blob.Name["slots/".Length..^".json".Length], CultureInfo.InvariantCulture) + 1);
        }

        return next;
    }

    private async Task<IReadOnlyList<Posting>?> DownloadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _sealed.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<List<Posting>>(Json);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task UploadOnceAsync(string name, IReadOnlyList<Posting> postings, CancellationToken cancellationToken)
    {
        try
        {
            // Create-only: a segment never changes (in Azure the container can carry a time-based immutability policy).
            await _sealed.GetBlobClient(name).UploadAsync(BinaryData.FromObjectAsJson(postings, Json),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Written by a run that died before deleting the rows: the same postings (slots never change).
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

    private static string SlotBlob(long segment) => string.Create(CultureInfo.InvariantCulture, $"slots/{segment:D9}.json");

    private static string DonorBlob(string donor, long segment) => string.Create(CultureInfo.InvariantCulture, $"donors/{donor}/{segment:D9}.json");
}
