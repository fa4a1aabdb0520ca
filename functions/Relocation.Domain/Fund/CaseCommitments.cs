using Relocation.Domain.Common;
using Relocation.Domain.Relocations;

namespace Relocation.Domain.Fund;

/// <summary>
/// Finance's commitments to a case (<c>POST fund/commitments</c>): only to a case that exists and still takes them, and
/// never one left committed after the case's ending released its commitments.
/// <para>The case is read before posting (refused there: nothing posted) and read again after: the check and the post
/// are two writes apart, so a case cancelled, withdrawn or ended between them may already have had its commitments
/// released without this one (the ending reads the case's commitment index, which this posting joins only when it is
/// rolled forward). The order closes that gap: the case's status is written before its ending's release runs, and the
/// posting is indexed before <see cref="IFundLedger.PostAsync"/> returns (the roll-forward writes the index row before
/// it moves the head; the release reads the head first, rolling forward any posting committed before). So either the
/// release read the index after this commitment was indexed (and released it), or it read it earlier, after the case
/// was closed, and then the second read here sees the case closed. In that case this commitment's remainder is
/// released under the key the case's ending uses (<see cref="FundService.ReleaseKeyFor"/>): whichever of the two runs
/// second finds the first by key and releases nothing more, and the ledger shows the ending that freed it. The caller
/// gets the same 409 as when the first check refuses.</para>
/// </summary>
public sealed class CaseCommitments(IFundLedger ledger, IFundService fund, IRelocationRepository relocations)
{
    /// <summary>
    /// Posts <paramref name="command"/> (a commitment) under <paramref name="idempotencyKey"/> for an open case. A case
    /// that does not exist is a 400 naming <c>relocationId</c>; a closed one (before or just after posting) a
    /// <see cref="ConflictException"/> with code <see cref="ProblemCode.CaseClosedToCommitments"/>, and what this key
    /// committed to the case, if anything, is released.
    /// </summary>
    public async Task<PostingResult> CommitAsync(FundCommand command, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var relocationId = command.RelocationId!;
        var relocation = await relocations.FindAsync(relocationId, cancellationToken)
            ?? throw new DomainValidationException("relocationId", $"There is no relocation {relocationId}.");
        var id = Posting.IdFor(idempotencyKey);
        if (!relocation.TakesCommitments)
        {
            // A retry of a request that posted and then failed before its own release (a crash, say): released now.
            await RefuseAsync(relocation, id, cancellationToken);
        }

        var result = await ledger.PostAsync(command, idempotencyKey, cancellationToken);
        if (await relocations.FindAsync(relocationId, cancellationToken) is { TakesCommitments: false } closed)
        {
            await RefuseAsync(closed, id, cancellationToken);
        }

        return result;
    }

    /// <summary>The key under which a closed case's ending releases its commitments; null while the case takes commitments.</summary>
    public static CaseRelease? EndingOf(RelocationStatus status) => status switch
    {
        RelocationStatus.Cancelled => CaseRelease.Cancellation,

        // Also while a withdrawal effective later waits: its scheduled release then finds this one by key.
        RelocationStatus.Withdrawn => CaseRelease.Withdrawal,
        RelocationStatus.Ended => CaseRelease.ReviewEnd,
        _ => null,
    };

    /// <summary>Releases what the commitment <paramref name="commitmentId"/> still holds for this case, then refuses.</summary>
    private async Task RefuseAsync(RelocationCase relocation, string commitmentId, CancellationToken cancellationToken)
    {
        // Only a commitment to this very case: the key may have committed to another case (a reused key), not ours to free.
        if (EndingOf(relocation.Status) is { } ending
            && await ledger.FindDocumentAsync(commitmentId, cancellationToken) is { Kind: PostingKind.Commitment } commitment
            && commitment.RelocationId == relocation.Id)
        {
            await fund.ReleaseAsync(commitmentId, null, FundService.ReleaseKeyFor(commitmentId, ending), cancellationToken);
        }

        relocation.EnsureTakesCommitments();
    }
}
