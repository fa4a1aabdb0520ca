namespace Relocation.Domain.Common;

/// <summary>
/// A store that keeps one row per day or per case in its table and moves the years nobody writes to any more (two or more
/// years back) out of the table into blobs, so the table holds this year and the last one. A background job: readers
/// fall back to the sealed year's blob, and a run that died part-way is finished by the next.
/// </summary>
public interface IYearArchive
{
    /// <returns>How many years this run sealed (or finished sealing).</returns>
    Task<int> SealClosedYearsAsync(CancellationToken cancellationToken);
}
