using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;

namespace Relocation.Workflows.Relocations;

/// <summary>Read-change-write with optimistic concurrency, shared by the activities and the API handlers.</summary>
public static class CaseUpdates
{
    private const int Attempts = 20;

    public static string CommitKey(string relocationId) => $"relocation:{relocationId}:commit";

    public static string ReleaseKey(string relocationId) => $"relocation:{relocationId}:release";

    public static async Task<RelocationCase> FindAsync(IRelocationRepository relocations, string id)
    {
        ArgumentNullException.ThrowIfNull(relocations);
        return await relocations.FindAsync(id, CancellationToken.None) ?? throw new NotFoundException($"There is no relocation request {id}.");
    }

    /// <summary>Applies <paramref name="change"/> to the latest copy until the write wins; domain refusals pass through.</summary>
    public static async Task<RelocationCase> UpdateAsync(IRelocationRepository relocations, string id, Action<RelocationCase> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relocations);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var relocation = await relocations.FindAsync(id, cancellationToken) ?? throw new NotFoundException($"There is no relocation request {id}.");
            change(relocation);
            try
            {
                return await relocations.UpdateAsync(relocation, cancellationToken);
            }
            catch (PreconditionFailedException) when (attempt < Attempts)
            {
                await Task.Delay(Random.Shared.Next(5, 25 * attempt), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The same, but <paramref name="change"/> says whether it changed anything: when it did not (the latest copy
    /// already holds what it would write), nothing is written and the latest copy is returned.
    /// </summary>
    public static Task<RelocationCase> UpdateIfAsync(IRelocationRepository relocations, string id, Func<RelocationCase, bool> change, CancellationToken cancellationToken = default) =>
        UpdateIfAsync(relocations, id, null, change, cancellationToken);

    /// <summary>
    /// The same, starting from <paramref name="inHand"/> (a copy just read or written, with its version) instead of reading
    /// the row first: if the row moved on since, the write fails on the version and the next attempt reads the latest.
    /// </summary>
    public static async Task<RelocationCase> UpdateIfAsync(IRelocationRepository relocations, string id, RelocationCase? inHand, Func<RelocationCase, bool> change,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relocations);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var relocation = (attempt == 1 && inHand is { Version.Length: > 0 } ? inHand : null)
                ?? await relocations.FindAsync(id, cancellationToken) ?? throw new NotFoundException($"There is no relocation request {id}.");
            if (!change(relocation))
            {
                return relocation;
            }

            try
            {
                return await relocations.UpdateAsync(relocation, cancellationToken);
            }
            catch (PreconditionFailedException) when (attempt < Attempts)
            {
                await Task.Delay(Random.Shared.Next(5, 25 * attempt), cancellationToken);
            }
        }
    }

    /// <summary>The same for a capacity row: the ETag guarantees no place is ever held or used beyond what is registered.</summary>
    public static async Task ChangeCapacityAsync(ICapacityRepository capacities, string stateCode, string capacityId, Action<Capacity> change)
    {
        ArgumentNullException.ThrowIfNull(capacities);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var capacity = await capacities.FindAsync(stateCode, capacityId, CancellationToken.None)
                ?? throw new ConflictException($"The capacity {stateCode} registered for this request no longer exists.");
            change(capacity);
            try
            {
                await capacities.UpdateAsync(capacity, CancellationToken.None);
                return;
            }
            catch (PreconditionFailedException) when (attempt < Attempts)
            {
                await Task.Delay(Random.Shared.Next(5, 25 * attempt));
            }
        }
    }

    /// <summary>The same, but <paramref name="change"/> says whether it changed anything; nothing is written when it did not.</summary>
    public static async Task ChangeCapacityIfAsync(ICapacityRepository capacities, string stateCode, string capacityId, Func<Capacity, bool> change)
    {
        ArgumentNullException.ThrowIfNull(capacities);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var capacity = await capacities.FindAsync(stateCode, capacityId, CancellationToken.None)
                ?? throw new ConflictException($"The capacity {stateCode} registered for this request no longer exists.");
            if (!change(capacity))
            {
                return;
            }

            try
            {
                await capacities.UpdateAsync(capacity, CancellationToken.None);
                return;
            }
            catch (PreconditionFailedException) when (attempt < Attempts)
            {
                await Task.Delay(Random.Shared.Next(5, 25 * attempt));
            }
        }
    }

    public static RankingRequest RankingRequestFor(RelocationCase relocation)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        return new RankingRequest(relocation.Facts.Kind, relocation.Facts.Household.Size, relocation.Facts.Needs.MedicalCare,
            relocation.Facts.Needs.Languages, relocation.State.RelocationDueOn);
    }

    /// <summary>States with an agreement in force of the type a relocation kind needs.</summary>
    public static async Task<IReadOnlySet<string>> StatesWithAgreementInForceAsync(IAgreementRepository agreements, RelocationKind kind)
    {
        ArgumentNullException.ThrowIfNull(agreements);
        var type = kind switch
        {
            RelocationKind.AcquittedPersonRelocation => AgreementType.AcquittedPersonRelocation,
            RelocationKind.InterimRelease => AgreementType.InterimRelease,
            _ => AgreementType.WitnessRelocation,
        };
        return (await agreements.ListAsync(CancellationToken.None))
            .Where(a => a.Status == AgreementStatus.InForce && a.Details.Type == type)
            .Select(a => a.Details.StateCode)
            .ToHashSet(StringComparer.Ordinal);
    }
}
