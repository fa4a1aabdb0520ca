using System.Runtime.CompilerServices;
using Relocation.Domain.Fund;

namespace Relocation.Testing.Fakes;

/// <summary>
/// The fund ledger in memory for handler and workflow tests: <see cref="FundBook"/> (the reference implementation of the
/// rules) behind <see cref="IFundLedger"/>, one caller at a time.
/// </summary>
public sealed class InMemoryFundLedger(TimeProvider? time = null) : IFundLedger
{
    private readonly FundBook _book = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task<PostingResult> PostAsync(FundCommand command, string idempotencyKey, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_book.Post(command, idempotencyKey, _time.GetUtcNow()));
        }
    }

    public Task<Posting?> FindAsync(string postingId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_book.Postings.FirstOrDefault(p => p.Id == postingId));
        }
    }

    public Task<FundDocument?> FindDocumentAsync(string postingId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_book.Documents.GetValueOrDefault(postingId));
        }
    }

    public Task<FundBalance> BalanceAsync(DateOnly? asOf, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(FundBalance.From(asOf is { } date ? _book.PositionAsOf(date) : _book.Position.Copy(), asOf));
        }
    }

    public Task<IReadOnlyList<FundDocument>> PledgesAsync(CancellationToken cancellationToken) =>
        Documents(d => d.Kind == PostingKind.Pledge);

    /// <summary>Not kept: no test of this fake reads donor statements (the table ledger's tests do).</summary>
    public Task<IReadOnlyList<Posting>> DonorPostingsAsync(string donorId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Donor statements are tested on the table ledger.");

    public Task<IReadOnlyList<FundDocument>> RelocationCommitmentsAsync(string relocationId, CancellationToken cancellationToken) =>
        Documents(d => d.Kind == PostingKind.Commitment && d.RelocationId == relocationId);

    public async IAsyncEnumerable<Posting> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Posting[] postings;
        lock (_gate)
        {
            postings = [.. _book.Postings];
        }

        foreach (var posting in postings)
        {
            await Task.Yield();
            yield return posting;
        }
    }

    private Task<IReadOnlyList<FundDocument>> Documents(Func<FundDocument, bool> which)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<FundDocument>>([.. _book.Documents.Values.Where(which)]);
        }
    }
}
