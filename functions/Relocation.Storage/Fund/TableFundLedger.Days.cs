using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Fund;

/// <summary>
/// Sealed years of <c>FundDays</c> (docs/storage.md, "Keeping history out of the queried tables"). A day row holds the
/// fund's whole position (by donor, by year, by earmark: ~2.8 KB), one row for every calendar day, so ten years are
/// 3,650 rows the emulator re-serialises every few seconds. The year job moves each year two or more years back (and
/// before the latest value date's year) to <c>fund-sealed/days/{yyyy}.json</c>: the year's days, then deletes each row it
/// wrote there under the ETag it read (a row a posting changed meanwhile stays, and is the newer).
/// <para><b>What can still write into a sealed year.</b> FundRules let a pledge, a receipt, a write-off or a
/// revaluation be dated back to 2002, so any year may still move. A back-dated posting applies to every day on or
/// after its date as before, row by row (a row gone meanwhile is in its blob), and then to each sealed year from its
/// date's on: the blob is rewritten under If-Match on its ETag, each day only if its <c>LastSequence</c> is below the
/// posting's (postings reach a day in sequence order, so a day's last sequence says what it holds), which makes a
/// repeated roll-forward a no-op exactly as with rows. A new day (a posting dated before the ledger's first) is always
/// inserted as a row, never into a blob, so the insert that decides it stays atomic.</para>
/// <para><b>The day's value</b> is its row, else the sealed year's entry; when both are there (a row a posting changed
/// during a seal, or a late duplicate roll-forward's insert) the one with the higher last sequence. A year is sealed
/// only when its days run without a gap from its first to 31 December and into the next year, so a day a sealed year
/// lacks lies before that year's first day, and its value (the last day before it) can only be a table row.</para>
/// </summary>
internal sealed partial class TableFundLedger : IYearArchive
{
    private const string YearsPrefix = "days/";
    private const int CachedYears = 4;

    private readonly ConcurrentDictionary<int, SealedYear> _years = new();

    public async Task<int> SealClosedYearsAsync(CancellationToken cancellationToken)
    {
        var head = await CurrentHeadAsync(cancellationToken);
        var through = SealableThrough(head.Position.LatestDate);
        if (through < 1)
        {
            return 0;
        }

        await _sealed.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var rows = new List<TableEntity>();
        // Background job: the days up to 31 December of the last sealable year (inverted keys: "ge" is "on or before").
        await foreach (var row in _days.QueryAsync<TableEntity>($"PartitionKey eq '{DayPartition}' and RowKey ge '{DayKey(new DateOnly(through, 12, 31))}'", cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        var sealedCount = 0;
        foreach (var year in rows.GroupBy(r => DayOf(r).Year).OrderBy(g => g.Key))
        {
            if (await SealYearAsync(year.Key, [.. year], cancellationToken))
            {
                sealedCount++;
            }
        }

        return sealedCount;
    }

    /// <summary>
    /// The years the job may seal: two or more years back (this year's and last year's days stay rows), and never the
    /// latest value date's year, whose last day every forward posting reads by point.
    /// </summary>
    private int SealableThrough(DateOnly? latest) => latest is { } l ? Math.Min(time.GetUtcNow().Year - 2, l.Year - 1) : 0;

    /// <summary>Writes the year's rows into its blob (merged with what it holds), then deletes each row under its ETag.</summary>
    private async Task<bool> SealYearAsync(int year, IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        while (true)
        {
            var existing = await DownloadYearAsync(year, cancellationToken);
            var days = existing?.Days.ToDictionary(d => d.Date) ?? [];
            var changed = existing is null;
            foreach (var entry in rows.Select(EntryOf))
            {
                if (!days.TryGetValue(entry.Date, out var kept) || entry.LastSequence > kept.LastSequence)
                {
                    days[entry.Date] = entry;
                    changed = true;
                }
            }

            if (!await RunsIntoNextYearAsync(year, days.Keys, cancellationToken))
            {
                // A day missing (a posting dated before the ledger's first leaves days without rows after it): the year
                // stays in the table, where "the last day before" is found as before.
                return false;
            }

            if (changed && !await UploadYearAsync(year, days.Values, existing?.ETag, cancellationToken))
            {
                continue; // a posting or another run rewrote the blob meanwhile: merge again
            }

            _years.TryRemove(year, out _);
            foreach (var row in rows)
            {
                try
                {
                    await _days.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.IsPreconditionFailed() || ex.IsNotFound())
                {
                    // Changed by a posting since it was read (the row is the newer: it stays, the next run merges it), or
                    // deleted by a run alongside.
                }
            }

            return true;
        }
    }

    /// <summary>Every day from the year's first to 31 December is there, and 1 January after it (a row or sealed).</summary>
    private async Task<bool> RunsIntoNextYearAsync(int year, IReadOnlyCollection<DateOnly> days, CancellationToken cancellationToken)
    {
        if (days.Count == 0 || days.Count != new DateOnly(year, 12, 31).DayNumber - days.Min().DayNumber + 1)
        {
            return false;
        }

        var next = new DateOnly(year + 1, 1, 1);
        return await _days.FindAsync<TableEntity>(DayPartition, DayKey(next), cancellationToken) is not null
            || (await DownloadYearAsync(next.Year, cancellationToken))?.Find(next) is not null;
    }

    /// <summary>
    /// A day's value: its row, or its sealed year's entry (the newer when both are there); for a day its sealed year
    /// has no entry for but an earlier one, that earlier day's. Null when neither the row nor a sealed year has it: the
    /// caller then reads the table's last day before it.
    /// </summary>
    private async Task<SealedDay?> DayAsync(DateOnly day, bool maybeSealed, CancellationToken cancellationToken)
    {
        var row = await _days.FindAsync<TableEntity>(DayPartition, DayKey(day), cancellationToken);
        var own = row is null ? null : EntryOf(row);
        if (!maybeSealed || await YearAsync(day.Year, cancellationToken) is not { } year)
        {
            return own;
        }

        if (own is not null || year.Find(day) is not null)
        {
            return Newer(own, year.Find(day));
        }

        if (year.LastBefore(day) is not { } earlier)
        {
            return null;
        }

        var earlierRow = await _days.FindAsync<TableEntity>(DayPartition, DayKey(earlier.Date), cancellationToken);
        return Newer(earlierRow is null ? null : EntryOf(earlierRow), earlier);
    }

    /// <summary>The years sealed so far (the back-dated path lists them after reading the table's days).</summary>
    private async Task<HashSet<int>> SealedYearsAsync(CancellationToken cancellationToken)
    {
        var years = new HashSet<int>();
        if (!await _sealed.ExistsAsync(cancellationToken))
        {
            return years;
        }

        await foreach (var blob in _sealed.GetBlobsAsync(new GetBlobsOptions { Prefix = YearsPrefix }, cancellationToken))
        {
            years.Add(int.Parse(blob.Name[YearsPrefix.Length..^".json".Length], CultureInfo.InvariantCulture));
        }

        return years;
    }

    /// <summary>
    /// Applies a back-dated posting to the sealed year's days on or after its date that <paramref name="include"/> names
    /// (the rest have rows, which the row path updates), each once (by its last sequence); If-Match on the blob.
    /// </summary>
    /// <returns>False when the year has no blob.</returns>
    private async Task<bool> ApplyToSealedYearAsync(int year, Posting posting, Func<DateOnly, bool> include, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await DownloadYearAsync(year, cancellationToken) is not { } current)
            {
                return false;
            }

            var changed = false;
            var days = current.Days.Select(d =>
            {
                if (d.Date < posting.Date || d.LastSequence >= posting.Sequence || !include(d.Date))
                {
                    return d;
                }

                changed = true;
                var position = d.Position.Copy();
                position.Apply(posting);
                return d with { LastSequence = posting.Sequence, Position = position };
            }).ToList();
            if (!changed || await UploadYearAsync(year, days, current.ETag, cancellationToken))
            {
                return true;
            }
        }
    }

    /// <summary>The sealed year (cached: at most a few years, each revalidated by its ETag, as a back-dated posting may rewrite it).</summary>
    private async Task<SealedYear?> YearAsync(int year, CancellationToken cancellationToken)
    {
        if (_years.TryGetValue(year, out var cached))
        {
            try
            {
                var properties = await _sealed.GetBlobClient(YearBlob(year)).GetPropertiesAsync(cancellationToken: cancellationToken);
                if (properties.Value.ETag == cached.ETag)
                {
                    return cached;
                }
            }
            catch (RequestFailedException ex) when (ex.IsNotFound())
            {
                return null;
            }
        }

        if (await DownloadYearAsync(year, cancellationToken) is not { } fresh)
        {
            return null;
        }

        if (_years.Count >= CachedYears)
        {
            _years.Clear(); // a few years at most in memory: an as-of date years back is rare
        }

        _years[year] = fresh;
        return fresh;
    }

    private async Task<SealedYear?> DownloadYearAsync(int year, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _sealed.GetBlobClient(YearBlob(year)).DownloadContentAsync(cancellationToken);
            return new SealedYear(content.Value.Details.ETag, content.Value.Content.ToObjectFromJson<List<SealedDay>>(Json)!);
        }
        catch (RequestFailedException ex) when (ex.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>Create-only when <paramref name="etag"/> is null, else If-Match; false when someone wrote it first.</summary>
    private async Task<bool> UploadYearAsync(int year, IEnumerable<SealedDay> days, ETag? etag, CancellationToken cancellationToken)
    {
        var conditions = etag is { } match ? new BlobRequestConditions { IfMatch = match } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            await _sealed.GetBlobClient(YearBlob(year)).UploadAsync(BinaryData.FromObjectAsJson(days.OrderBy(d => d.Date).ToList(), Json),
                new BlobUploadOptions { Conditions = conditions }, cancellationToken);
            _years.TryRemove(year, out _);
            return true;
        }
        catch (RequestFailedException ex) when (ex.IsConflict() || ex.IsPreconditionFailed())
        {
            return false;
        }
    }

    private static SealedDay? Newer(SealedDay? row, SealedDay? sealedDay) =>
        row is null ? sealedDay : sealedDay is null || row.LastSequence >= sealedDay.LastSequence ? row : sealedDay;

    private static DateOnly DayOf(TableEntity row) => DateOnly.ParseExact(row.GetString("Date"), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static SealedDay EntryOf(TableEntity row) => new(DayOf(row), row.GetInt64("LastSequence") ?? 0, ReadPosition(row));

    private static string YearBlob(int year) => string.Create(CultureInfo.InvariantCulture, $"{YearsPrefix}{year:D4}.json");

    /// <summary>A day as its row holds it (never changed in place: a write makes a new one).</summary>
    private sealed record SealedDay(DateOnly Date, long LastSequence, FundPosition Position);

    private sealed class SealedYear
    {
        private readonly SealedDay[] _days;
        private readonly DateOnly[] _dates;

        public SealedYear(ETag etag, List<SealedDay> days)
        {
            ETag = etag;
            _days = [.. days.OrderBy(d => d.Date)];
            _dates = [.. _days.Select(d => d.Date)];
        }

        public ETag ETag { get; }

        public IReadOnlyList<SealedDay> Days => _days;

        public SealedDay? Find(DateOnly day) => Array.BinarySearch(_dates, day) is var i and >= 0 ? _days[i] : null;

        /// <summary>The last day before <paramref name="day"/> the year holds.</summary>
        public SealedDay? LastBefore(DateOnly day)
        {
            var i = Array.BinarySearch(_dates, day);
            var next = i >= 0 ? i : ~i;
            return next > 0 ? _days[next - 1] : null;
        }
    }
}
