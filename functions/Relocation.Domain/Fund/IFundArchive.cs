namespace Relocation.Domain.Fund;

/// <summary>
/// Moves the ledger's closed segments (every run of postings the head has passed, a fixed number of sequences each) out
/// of the table into immutable blobs. A background job: readers find a sealed posting in its blob.
/// </summary>
public interface IFundArchive
{
    /// <returns>How many segments this run sealed.</returns>
    Task<int> SealAsync(CancellationToken cancellationToken);
}
