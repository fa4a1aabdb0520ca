namespace Relocation.Domain.Fund;

/// <summary>The append-only ledger of the Special Fund; each post is idempotent by its key.</summary>
public interface IFundLedger
{
    /// <summary>
    /// Posts once per <paramref name="idempotencyKey"/>: the same key with the same content answers the first posting
    /// (<see cref="PostingResult.Replayed"/>); with different content it is a <see cref="Common.ConflictException"/>.
    /// </summary>
    Task<PostingResult> PostAsync(FundCommand command, string idempotencyKey, CancellationToken cancellationToken);

    Task<Posting?> FindAsync(string postingId, CancellationToken cancellationToken);

    Task<FundDocument?> FindDocumentAsync(string postingId, CancellationToken cancellationToken);

    /// <summary>The balance now (<paramref name="asOf"/> null) or at the end of a value date.</summary>
    Task<FundBalance> BalanceAsync(DateOnly? asOf, CancellationToken cancellationToken);

    /// <summary>The documents of the open pledges (outstanding, not corrected away): one partition read, as large as what is outstanding.</summary>
    Task<IReadOnlyList<FundDocument>> PledgesAsync(CancellationToken cancellationToken);

    /// <summary>The postings naming one donor, in value-date order: one partition read bounded by that donor's postings.</summary>
    Task<IReadOnlyList<Posting>> DonorPostingsAsync(string donorId, CancellationToken cancellationToken);

    /// <summary>
    /// The documents of every commitment made for one relocation (whoever made it: the acceptance saga or Finance by
    /// hand), remaining amounts as of now: one partition read bounded by that case's commitments, then a point read each.
    /// </summary>
    Task<IReadOnlyList<FundDocument>> RelocationCommitmentsAsync(string relocationId, CancellationToken cancellationToken);

    /// <summary>Every applied posting in sequence order (for reports and audits: reads the whole ledger).</summary>
    IAsyncEnumerable<Posting> ReadAllAsync(CancellationToken cancellationToken);
}
