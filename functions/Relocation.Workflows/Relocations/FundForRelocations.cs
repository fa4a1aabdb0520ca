using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;

namespace Relocation.Workflows.Relocations;

/// <summary>
/// The Special Fund as relocations use it: one commitment per case under the key <c>relocation:{id}:commit</c>, so the
/// commitment is found again from the case id alone when it must be released.
/// A commitment draws first on money earmarked for the case: an earmark names a receiving State (its code), a UN
/// regional group (<c>African</c>, …) or a relocation kind (<c>WitnessRelocation</c>, …), and the most specific one
/// with free money is used (State, then region, then kind). The earmark is on the commitment posting only: finance
/// outputs identify the case by its funding reference (relocation id), never by pseudonym.
/// </summary>
public sealed class FundForRelocations(IFundService fund, IRelocationRepository relocations, IStateRepository states) : IRelocationFund
{
    public async Task<string> CommitAsync(string relocationId, long eurMinorUnits, string idempotencyKey, CancellationToken cancellationToken)
    {
        var earmarks = new List<string>();
        if (await relocations.FindAsync(relocationId, cancellationToken) is { } relocation)
        {
            if ((relocation.State.PendingAcceptance?.StateCode ?? relocation.State.Accepted?.StateCode) is { } stateCode)
            {
                earmarks.Add(stateCode);
                if (await states.FindAsync(stateCode, cancellationToken) is { } state)
                {
                    earmarks.Add(state.Region.ToString());
                }
            }

            earmarks.Add(relocation.Facts.Kind.ToString());
        }

        return await fund.CommitForRelocationAsync(relocationId, eurMinorUnits, idempotencyKey, earmarks, cancellationToken);
    }

    public Task ReleaseAsync(string relocationId, string idempotencyKey, CancellationToken cancellationToken) =>
        fund.ReleaseAsync(Posting.IdFor(CaseUpdates.CommitKey(relocationId)), null, idempotencyKey, cancellationToken);

    public Task<int> ReleaseAllAsync(string relocationId, CancellationToken cancellationToken) =>
        fund.ReleaseAllForRelocationAsync(relocationId, cancellationToken);

    public Task<int> ReleaseAllAsync(string relocationId, CaseRelease ending, CancellationToken cancellationToken) =>
        fund.ReleaseAllForRelocationAsync(relocationId, ending, cancellationToken);
}
