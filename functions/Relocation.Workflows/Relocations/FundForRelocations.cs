using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;

namespace Relocation.Workflows.Relocations;

/// <summary>
/// The Special Fund as relocations use it: one commitment per case under the key <c>relocation:{id}:commit</c>, so the
/// commitment is found again from the case id alone when it must be released.
/// </summary>
public sealed class FundForRelocations(IFundService fund) : IRelocationFund
{
    public Task<string> CommitAsync(string relocationId, long eurMinorUnits, string idempotencyKey, CancellationToken cancellationToken) =>
        fund.CommitForRelocationAsync(relocationId, eurMinorUnits, idempotencyKey, cancellationToken);

    public Task ReleaseAsync(string relocationId, string idempotencyKey, CancellationToken cancellationToken) =>
        fund.ReleaseAsync(Posting.IdFor(CaseUpdates.CommitKey(relocationId)), null, idempotencyKey, cancellationToken);
}
