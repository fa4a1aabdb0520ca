using Relocation.Domain.Common;
using Relocation.Domain.Relocations;

namespace Relocation.Storage.Relocations;

/// <summary>
/// Used only while no Special Fund ledger is registered: every commitment is refused with a clear 409, so a capacity
/// that needs fund support cannot be accepted without money behind it. The fund's own implementation replaces it.
/// </summary>
internal sealed class FundNotConnected : IRelocationFund
{
    public Task<string> CommitAsync(string relocationId, long eurMinorUnits, string idempotencyKey, CancellationToken cancellationToken) =>
        throw new ConflictException("The Special Fund for Relocations is not available, so no cost can be committed.");

    public Task ReleaseAsync(string relocationId, string idempotencyKey, CancellationToken cancellationToken) => Task.CompletedTask;
}
