namespace Relocation.Domain.Fund;

/// <summary>
/// Moves the ledger's closed segments (every run of postings the head has passed, a fixed number of sequences each) out
/// of the table into immutable blobs. A background job: readers find a sealed posting in its blob.
/// </summary>
public interface IFundArchive
{
    /// <returns>How many segments this run sealed.</returns>
    Task<int> SealAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Once per ledger: indexes under <c>relocation-{id}</c> every commitment posted before the index existed, so the
    /// release of every commitment of a case (cancellation, withdrawal, review End) finds them. Reads the whole ledger:
    /// background jobs only. A marker row makes every later run a single point read.
    /// </summary>
    /// <returns>How many index rows this run wrote; null when an earlier run already completed the backfill.</returns>
    Task<int?> BackfillRelocationIndexAsync(CancellationToken cancellationToken);
}
