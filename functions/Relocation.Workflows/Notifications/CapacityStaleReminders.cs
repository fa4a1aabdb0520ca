using Relocation.Domain.Capacities;
using Relocation.Domain.Outbox;

namespace Relocation.Workflows.Notifications;

/// <summary>
/// A capacity not reconfirmed for 90 days is stale. Its State's focal points are reminded at 80 days and told again when
/// it turns stale at 90. Run by a daily timer; each message is keyed by the capacity, the point and the confirmation date,
/// so running it often sends each once, and a reconfirmed capacity starts a new count. The same daily job rewrites the
/// candidate snapshot from the tables it reads whole anyway: the repair of what a crash between a row write and its
/// snapshot merge left behind (docs/storage.md).
/// </summary>
public sealed class CapacityStaleReminders(
    ICapacityRepository capacities,
    IOutbox outbox,
    TimeProvider time,
    ICandidateData? candidates = null,
    Relocation.Domain.States.IStateRepository? states = null,
    Relocation.Domain.Agreements.IAgreementRepository? agreements = null)
{
    public static readonly TimeSpan FirstReminder = TimeSpan.FromDays(80);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var written = 0;
        var all = await capacities.ListAllAsync(cancellationToken);
        if (candidates is not null && states is not null && agreements is not null)
        {
            await candidates.RebuildAsync(await states.ListAsync(cancellationToken), all, await agreements.ListAsync(cancellationToken), cancellationToken);
        }

        foreach (var capacity in all)
        {
            var age = now - capacity.ConfirmedAt;
            if (age < FirstReminder || capacity.Terms.AvailableUntil < DateOnly.FromDateTime(now.UtcDateTime))
            {
                continue;
            }

            var stale = age >= Capacity.StaleAfter;
            var point = stale ? 90 : 80;
            var staleOn = capacity.ConfirmedAt + Capacity.StaleAfter;
            await outbox.AddAsync(
                new OutboxMessage(
                    $"capacity-{capacity.Id}-stale{point}-{capacity.ConfirmedAt.UtcDateTime:yyyyMMdd}",
                    stale ? "CapacityStale" : "CapacityStaleSoon",
                    Recipients.FocalPoints(capacity.StateCode),
                    stale
                        ? $"Your relocation capacity {capacity.Id} is stale: please reconfirm it."
                        : $"Your relocation capacity {capacity.Id} turns stale on {staleOn.UtcDateTime:yyyy-MM-dd}: please reconfirm it.",
                    capacity.Id,
                    now,
                    DateOnly.FromDateTime(staleOn.UtcDateTime))
                {
                    Body = $"Capacity {capacity.Id} ({capacity.Places} place(s)) was last confirmed on {capacity.ConfirmedAt.UtcDateTime:yyyy-MM-dd}. "
                        + "A capacity not reconfirmed for 90 days is ranked after fresh ones.\n",
                    Link = ConsoleLinks.Capacity,
                },
                cancellationToken);
            written++;
        }

        return written;
    }
}
