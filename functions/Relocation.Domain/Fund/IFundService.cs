namespace Relocation.Domain.Fund;

/// <summary>
/// What relocation workflows ask of the fund directly: each call is idempotent by its key (for example
/// <c>relocation:{id}:commit</c>), so an activity may run it again after a crash.
/// </summary>
public interface IFundService
{
    /// <summary>Commits money for a relocation and answers the commitment id; a <see cref="Common.ConflictException"/> when not enough is available.</summary>
    Task<string> CommitForRelocationAsync(string relocationId, long eurMinor, string idempotencyKey, CancellationToken cancellationToken, string? purpose = null);

    /// <summary>
    /// Releases <paramref name="eurMinor"/> of a commitment, or all that remains of it when null (nothing when nothing
    /// remains or nothing was committed). A workflow that committed with key K finds its commitment id as <c>Posting.IdFor(K)</c>.
    /// </summary>
    Task ReleaseAsync(string commitmentId, long? eurMinor, string idempotencyKey, CancellationToken cancellationToken);

    Task<string> DisburseAsync(string commitmentId, long eurMinor, string payee, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Releases all that remains of every commitment made for the relocation, each under the key
    /// <see cref="FundService.CancelReleaseKey"/> of its commitment, so a second run releases nothing more. Answers how many
    /// commitments still had something to release when read.
    /// </summary>
    Task<int> ReleaseAllForRelocationAsync(string relocationId, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="ReleaseAllForRelocationAsync(string, CancellationToken)"/>, for the way the case ended
    /// (<paramref name="ending"/>: each ending releases under its own key, <see cref="FundService.ReleaseKeyFor"/>).
    /// </summary>
    Task<int> ReleaseAllForRelocationAsync(string relocationId, CaseRelease ending, CancellationToken cancellationToken);

    /// <summary>
    /// Commits for a relocation, drawing first on money earmarked for it: the first of <paramref name="earmarks"/> (most
    /// specific first, e.g. receiving State, region, kind) with free earmarked cash becomes the commitment's purpose, so
    /// its earmarked money is used first and unearmarked money for the rest; none → unearmarked money only.
    /// </summary>
    Task<string> CommitForRelocationAsync(string relocationId, long eurMinor, string idempotencyKey, IReadOnlyList<string> earmarks, CancellationToken cancellationToken);
}

/// <summary>Why every commitment of a case is released: the three ways a case ends with money still committed to it.</summary>
public enum CaseRelease
{
    /// <summary>VWU cancelled the case.</summary>
    Cancellation,

    /// <summary>The receiving State withdrew, and its withdrawal took effect.</summary>
    Withdrawal,

    /// <summary>A protection review ended the relocation.</summary>
    ReviewEnd,
}

/// <summary>The workflow face of the ledger; value dates are today (UTC).</summary>
public sealed class FundService(IFundLedger ledger, TimeProvider time, FundOptions? options = null) : IFundService
{
    public async Task<string> CommitForRelocationAsync(string relocationId, long eurMinor, string idempotencyKey, CancellationToken cancellationToken, string? purpose = null)
    {
        var command = FundCommands.Commitment(new CommitmentCommand(relocationId, Money.EuroMajor(eurMinor), Today(), null, purpose), Today());
        return (await ledger.PostAsync(command, idempotencyKey, cancellationToken)).Posting.Id;
    }

    public async Task<string> CommitForRelocationAsync(string relocationId, long eurMinor, string idempotencyKey, IReadOnlyList<string> earmarks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(earmarks);

        // A replay keeps the purpose its first run chose (the balance may have moved since; a new choice would be a key conflict).
        if (await ledger.FindAsync(Posting.IdFor(idempotencyKey), cancellationToken) is { Kind: PostingKind.Commitment } done)
        {
            return await CommitForRelocationAsync(relocationId, eurMinor, idempotencyKey, cancellationToken, done.Earmark.Length == 0 ? null : done.Earmark);
        }

        var balance = await ledger.BalanceAsync(null, cancellationToken);
        var purpose = earmarks.FirstOrDefault(e => e.Length > 0 && balance.CashByEarmark.GetValueOrDefault(e) - balance.CommittedByPurpose.GetValueOrDefault(e) > 0);
        return await CommitForRelocationAsync(relocationId, eurMinor, idempotencyKey, cancellationToken, purpose);
    }

    public async Task ReleaseAsync(string commitmentId, long? eurMinor, string idempotencyKey, CancellationToken cancellationToken)
    {
        var amount = eurMinor;
        if (amount is null)
        {
            // "All that remains" is fixed by the first run: a replay finds its posting by key before reading the commitment again.
            var id = Posting.IdFor(idempotencyKey);
            if (await ledger.FindAsync(id, cancellationToken) is not null)
            {
                return;
            }

            // A workflow cancelling before it committed anything has nothing to release.
            var commitment = await ledger.FindDocumentAsync(commitmentId, cancellationToken);
            if (commitment is not { Kind: PostingKind.Commitment } || commitment.Remaining == 0)
            {
                return;
            }

            amount = commitment.Remaining;
        }

        await ledger.PostAsync(FundCommands.Release(commitmentId, new ReleaseCommand(Money.EuroMajor(amount.Value), Today()), Today()), idempotencyKey, cancellationToken);
    }

    /// <summary>The idempotency key of the release that frees what remains of a commitment when its case is cancelled.</summary>
    public static string CancelReleaseKey(string commitmentId) => ReleaseKeyFor(commitmentId, CaseRelease.Cancellation);

    /// <summary>
    /// The idempotency key of the release that frees what remains of a commitment when its case ends in
    /// <paramref name="ending"/>: <c>commitment:{id}:cancel</c>, <c>…:withdrawal</c>, <c>…:review-end</c>. One key per
    /// ending, so each path's release is found again by its own rerun and the ledger shows which path released it.
    /// </summary>
    public static string ReleaseKeyFor(string commitmentId, CaseRelease ending) => ending switch
    {
        CaseRelease.Cancellation => $"commitment:{commitmentId}:cancel",
        CaseRelease.Withdrawal => $"commitment:{commitmentId}:withdrawal",
        CaseRelease.ReviewEnd => $"commitment:{commitmentId}:review-end",
        _ => throw new ArgumentOutOfRangeException(nameof(ending)),
    };

    public Task<int> ReleaseAllForRelocationAsync(string relocationId, CancellationToken cancellationToken) =>
        ReleaseAllForRelocationAsync(relocationId, CaseRelease.Cancellation, cancellationToken);

    public async Task<int> ReleaseAllForRelocationAsync(string relocationId, CaseRelease ending, CancellationToken cancellationToken)
    {
        var released = 0;
        foreach (var commitment in await ledger.RelocationCommitmentsAsync(relocationId, cancellationToken))
        {
            // Keyed by the commitment, not by the amount read: a rerun after a crash finds its release by key and stops
            // there, and a commitment another release emptied meanwhile is skipped (ReleaseAsync posts nothing for 0).
            released += commitment.Remaining > 0 ? 1 : 0;
            await ReleaseAsync(commitment.Id, null, ReleaseKeyFor(commitment.Id, ending), cancellationToken);
        }

        return released;
    }

    public async Task<string> DisburseAsync(string commitmentId, long eurMinor, string payee, string idempotencyKey, CancellationToken cancellationToken)
    {
        var command = FundCommands.Disbursement(new DisbursementCommand(commitmentId, Money.EuroMajor(eurMinor), payee, Today(), null), Today(), options?.ProgrammeSupportCostPercent ?? 0m);
        return (await ledger.PostAsync(command, idempotencyKey, cancellationToken)).Posting.Id;
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
