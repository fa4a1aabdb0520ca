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
/// <para>A request that dies between its post and its second read would leave the commitment on a closed case, so an
/// intent (<see cref="ICommitmentIntents"/>, keyed by the commitment id) is written before the post and deleted only
/// once the second read has decided. An intent left past its grace period is settled by the sweep
/// (<see cref="SettleAsync"/>): the same decision, taken from the commitment's own document, under the same ending key,
/// so it posts nothing when the request or the ending already released it, and two sweeps post once.</para>
/// </summary>
public sealed class CaseCommitments(IFundLedger ledger, IFundService fund, IRelocationRepository relocations, ICommitmentIntents intents, TimeProvider time)
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

        // Before the post: if this process dies after it, the intent is what lets the sweep finish the decision below.
        await intents.WriteAsync(new CommitmentIntent(id, time.GetUtcNow()), cancellationToken);
        PostingResult result;
        try
        {
            result = await ledger.PostAsync(command, idempotencyKey, cancellationToken);
        }
        catch (DomainException)
        {
            // Refused (not enough available, or the key names another posting): settled now, so refusals leave nothing.
            await SettleAsync(id, cancellationToken);
            throw;
        }

        var closed = await relocations.FindAsync(relocationId, cancellationToken) is { TakesCommitments: false } c ? c : null;
        if (closed is not null)
        {
            await ReleaseAsync(closed, id, cancellationToken);
        }

        // Only once decided (and released): a failure above leaves the intent to the sweep.
        await intents.DeleteAsync(id, cancellationToken);
        closed?.EnsureTakesCommitments();
        return result;
    }

    /// <summary>
    /// The sweep's half: settles the intent of <paramref name="commitmentId"/> whose request may have died between its post
    /// and its second read. Decided from the commitment's document, not the request: when it is a commitment whose case is
    /// closed, what remains of it is released under the case's ending key (nothing when already released); otherwise
    /// nothing was posted, or the case is open and its ending's release will find the commitment in the case's index.
    /// Then the intent is deleted. Call after a head read (<see cref="IFundLedger.BalanceAsync"/>), so a posting whose
    /// writer died before rolling it forward has its document. Answers whether it released something.
    /// </summary>
    public async Task<bool> SettleAsync(string commitmentId, CancellationToken cancellationToken)
    {
        var released = false;
        if (await ledger.FindDocumentAsync(commitmentId, cancellationToken) is { Kind: PostingKind.Commitment, RelocationId: { } relocationId }
            && await relocations.FindAsync(relocationId, cancellationToken) is { TakesCommitments: false } closed)
        {
            released = await ReleaseAsync(closed, commitmentId, cancellationToken);
        }

        await intents.DeleteAsync(commitmentId, cancellationToken);
        return released;
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
        await ReleaseAsync(relocation, commitmentId, cancellationToken);
        relocation.EnsureTakesCommitments();
    }

    /// <summary>Releases what the commitment still holds for this closed case under its ending's key; true when something remained when read.</summary>
    private async Task<bool> ReleaseAsync(RelocationCase relocation, string commitmentId, CancellationToken cancellationToken)
    {
        // Only a commitment to this very case: the key may have committed to another case (a reused key), not ours to free.
        if (EndingOf(relocation.Status) is not { } ending
            || await ledger.FindDocumentAsync(commitmentId, cancellationToken) is not { Kind: PostingKind.Commitment } commitment
            || commitment.RelocationId != relocation.Id)
        {
            return false;
        }

        await fund.ReleaseAsync(commitmentId, null, FundService.ReleaseKeyFor(commitmentId, ending), cancellationToken);
        return commitment.Remaining > 0;
    }
}
