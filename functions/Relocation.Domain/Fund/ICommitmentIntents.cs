namespace Relocation.Domain.Fund;

/// <summary>
/// A commitment to a case about to be posted by <c>POST fund/commitments</c> and not yet settled by the request's second
/// read of the case (<see cref="CaseCommitments"/>): written before the post, deleted once that read has decided. One
/// left past its grace period belongs to a request that died in between; the sweep settles it instead.
/// </summary>
/// <param name="CommitmentId">The commitment's posting id (<see cref="Posting.IdFor"/> of the request's key): the row key.</param>
/// <param name="WrittenAt">When the request wrote it; the sweep leaves young ones to their request.</param>
public sealed record CommitmentIntent(string CommitmentId, DateTimeOffset WrittenAt);

/// <summary>
/// The commitments whose request has not (yet) settled them. Written and deleted by point (one row each); only the sweep,
/// a background job, reads them all, and they are few: in-flight requests plus those that died and are not yet swept.
/// </summary>
public interface ICommitmentIntents
{
    /// <summary>Writes (or rewrites, on a retry of the same key) the intent.</summary>
    Task WriteAsync(CommitmentIntent intent, CancellationToken cancellationToken);

    /// <summary>Deletes the intent; deleting one that is not there is not an error (the sweep and the request may both settle it).</summary>
    Task DeleteAsync(string commitmentId, CancellationToken cancellationToken);

    /// <summary>Intents written before <paramref name="cutoff"/>, oldest first, at most <paramref name="max"/> (background only: reads them all).</summary>
    Task<IReadOnlyList<CommitmentIntent>> WrittenBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken);
}
