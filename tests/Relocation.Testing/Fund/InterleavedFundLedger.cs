using Relocation.Domain.Fund;

namespace Relocation.Testing.Fund;

/// <summary>
/// A ledger that lets a test run something else at a chosen instant of a commitment's post: just before it is posted, or
/// just after it is posted and indexed (each once), to interleave a case's ending with a commitment made for it.
/// Everything else goes straight to <paramref name="inner"/>.
/// </summary>
public sealed class InterleavedFundLedger(IFundLedger inner) : IFundLedger
{
    /// <summary>Run once, before the next commitment is posted.</summary>
    public Func<Task>? BeforeCommitment { get; set; }

    /// <summary>Run once, after the next commitment is posted (and indexed) and before the poster goes on.</summary>
    public Func<Task>? AfterCommitment { get; set; }

    public async Task<PostingResult> PostAsync(FundCommand command, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Kind != PostingKind.Commitment)
        {
            return await inner.PostAsync(command, idempotencyKey, cancellationToken);
        }

        if (BeforeCommitment is { } before)
        {
            BeforeCommitment = null;
            await before();
        }

        var result = await inner.PostAsync(command, idempotencyKey, cancellationToken);
        if (AfterCommitment is { } after)
        {
            AfterCommitment = null;
            await after();
        }

        return result;
    }

    public Task<Posting?> FindAsync(string postingId, CancellationToken cancellationToken) => inner.FindAsync(postingId, cancellationToken);

    public Task<FundDocument?> FindDocumentAsync(string postingId, CancellationToken cancellationToken) => inner.FindDocumentAsync(postingId, cancellationToken);

    public Task<FundBalance> BalanceAsync(DateOnly? asOf, CancellationToken cancellationToken) => inner.BalanceAsync(asOf, cancellationToken);

    public Task<IReadOnlyList<FundDocument>> PledgesAsync(CancellationToken cancellationToken) => inner.PledgesAsync(cancellationToken);

    public Task<IReadOnlyList<Posting>> DonorPostingsAsync(string donorId, CancellationToken cancellationToken) => inner.DonorPostingsAsync(donorId, cancellationToken);

    public Task<IReadOnlyList<FundDocument>> RelocationCommitmentsAsync(string relocationId, CancellationToken cancellationToken) =>
        inner.RelocationCommitmentsAsync(relocationId, cancellationToken);

    public IAsyncEnumerable<Posting> ReadAllAsync(CancellationToken cancellationToken) => inner.ReadAllAsync(cancellationToken);
}
