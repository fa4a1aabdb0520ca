using Relocation.Domain.Capacities;
using Relocation.Domain.Outbox;
using Relocation.Domain.States;

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
    IStateRepository? states = null,
    Relocation.Domain.Agreements.IAgreementRepository? agreements = null)
{
    public static readonly TimeSpan FirstReminder = TimeSpan.FromDays(80);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var written = 0;
        var all = await capacities.ListAllAsync(cancellationToken);
        // The register, read whole once: the rebuild needs it, and each State's row says its focal points' language.
        var register = states is null ? [] : await states.ListAsync(cancellationToken);
        if (candidates is not null && states is not null && agreements is not null)
        {
            await candidates.RebuildAsync(register, all, await agreements.ListAsync(cancellationToken), cancellationToken);
        }

        var languages = register.ToDictionary(s => s.Code, NoticeLanguages.For, StringComparer.Ordinal);
        foreach (var capacity in all)
        {
            var age = now - capacity.ConfirmedAt;
            if (age < FirstReminder || capacity.Terms.AvailableUntil < DateOnly.FromDateTime(now.UtcDateTime))
            {
                continue;
            }

            var language = languages.GetValueOrDefault(capacity.StateCode, NoticeLanguage.English);
            await outbox.AddAsync(CaseNotices.CapacityStale(capacity, age >= Capacity.StaleAfter, language, now), cancellationToken);
            written++;
        }

        return written;
    }
}
