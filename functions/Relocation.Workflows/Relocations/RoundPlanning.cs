using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Domain.States;
using Relocation.Matching;

namespace Relocation.Workflows.Relocations;

/// <summary>What planning the open set gives one case: its v1 ranking, its place in the plan, and the plan.</summary>
public sealed record CasePlan(IReadOnlyList<Candidate> Ranked, Placement Placement, Plan Plan);

/// <summary>
/// Matching v2 in the workflow: plans the whole open set (every Submitted or AwaitingOffers case, read from the caseload
/// index's open partition and point-read, never a scan of the case table) on the registered capacity, and gives one case
/// its ranking and its place in that plan. Used when a round opens and by the candidates route.
/// </summary>
public sealed class RoundPlanning(
    IRelocationRepository relocations,
    ICapacityRepository capacities,
    IStateRepository states,
    IAgreementRepository agreements,
    ICaseloadIndex? caseload = null,
    ICandidateData? candidates = null)
{
    /// <summary>More open cases than the Court has ever had at once; beyond it the nearest deadlines are planned.</summary>
    public const int MaxOpenSet = 500;

    /// <summary>A round opening waits at most this long for the solver; the greedy plan is used after it.</summary>
    public static readonly PlannerOptions Options = new() { Workers = 1, DeterministicSeconds = 2.0, WallClockSeconds = 5.0 };

    /// <summary>
    /// Plans the open set with <paramref name="subject"/> in it. <paramref name="opening"/>: the subject is about to open
    /// a round, so every State it asked before is excluded (and left out of its ranking); otherwise only closed rounds'.
    /// </summary>
    public async Task<CasePlan> PlanAsync(RelocationCase subject, DateTimeOffset now, bool opening, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var (plan, context) = await PlanOpenSetAsync(subject, now, opening, cancellationToken);
        var asked = (opening ? subject.Rounds.SelectMany(r => r.Asked).Select(a => a.StateCode) : [])
            .Concat(subject.State.ExcludedStates ?? []).ToHashSet(StringComparer.Ordinal);
        var ranked = CandidateRanker.Rank(CaseUpdates.RankingRequestFor(subject), context.Capacities, context.States, context.StatesWithAgreementInForce[subject.Facts.Kind], asked, now);
        return new CasePlan(ranked, plan.For(subject.Id), plan);
    }

    /// <summary>The plan of every open case (and of <paramref name="subject"/>, when given), with what it was made from.</summary>
    public async Task<(Plan Plan, PlanningInput Input)> PlanOpenSetAsync(RelocationCase? subject, DateTimeOffset now, bool opening, CancellationToken cancellationToken)
    {
        var open = await OpenCasesAsync(subject, now, cancellationToken);
        var data = await CandidateDataAsync(cancellationToken);
        var allStates = data.States.ToDictionary(s => s.Code, StringComparer.Ordinal);
        var byKind = Enum.GetValues<RelocationKind>().ToDictionary(k => k, k => data.InForce(TypeFor(k)));
        var rows = data.Capacities;
        var requests = open.Select(c => ToPlanRequest(c, opening && c.Id == subject?.Id)).ToArray();
        var input = new PlanningInput(requests, rows, allStates, byKind, now);
        return (Planner.Solve(input, Options), input);
    }

    /// <summary>
    /// The candidate snapshot (one bounded read, docs/storage.md); without one (unit tests on fakes) the register,
    /// agreements and capacity are read whole.
    /// </summary>
    private async Task<CandidateData> CandidateDataAsync(CancellationToken cancellationToken)
    {
        if (candidates is not null)
        {
            return await candidates.ReadAsync(cancellationToken);
        }

        var inForce = (await agreements.ListAsync(cancellationToken)).Where(a => a.Status == AgreementStatus.InForce).ToArray();
        return new CandidateData(
            await states.ListAsync(cancellationToken),
            await capacities.ListAllAsync(cancellationToken),
            inForce.GroupBy(a => a.Details.Type).ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(a => a.Details.StateCode).ToHashSet(StringComparer.Ordinal)));
    }

    /// <summary>The open cases, the subject first; each index line point-read so the facts are the case row's.</summary>
    private async Task<List<RelocationCase>> OpenCasesAsync(RelocationCase? subject, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = subject is null ? [] : new List<RelocationCase> { subject };
        if (caseload is null)
        {
            return open;
        }

        foreach (var status in new[] { RelocationStatus.AwaitingOffers, RelocationStatus.Submitted })
        {
            string? page = null;
            do
            {
                var lines = await caseload.ListAsync(new CaseloadQuery(status, null, null, now, page, 200), cancellationToken);
                foreach (var line in lines.Items.Where(l => l.Id != subject?.Id))
                {
                    if (open.Count >= MaxOpenSet)
                    {
                        return open;
                    }

                    if (await relocations.FindAsync(line.Id, cancellationToken) is { Status: RelocationStatus.AwaitingOffers or RelocationStatus.Submitted } other)
                    {
                        open.Add(other);
                    }
                }

                page = lines.NextPage;
            }
            while (page is not null);
        }

        return open;
    }

    /// <summary>
    /// The subject is opening a new round, so every State it asked before is out; another case keeps the States of its
    /// open round (a round already sent is never withdrawn behind a State's back) and loses those of closed rounds.
    /// </summary>
    private static PlanRequest ToPlanRequest(RelocationCase relocation, bool opening)
    {
        var excluded = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var round in relocation.Rounds.Where(r => opening || r.ClosedAt is not null))
        {
            foreach (var asked in round.Asked)
            {
                excluded.TryAdd(asked.StateCode, $"already asked in round {round.Number}");
            }
        }

        // A State that withdrew from an earlier request for this person (issue 14) is never asked again.
        foreach (var state in relocation.State.ExcludedStates ?? [])
        {
            excluded.TryAdd(state, "withdrew from an earlier request for this person");
        }

        return new PlanRequest(relocation.Id, relocation.Facts.Pseudonym, relocation.Facts.Priority, CaseUpdates.RankingRequestFor(relocation),
            relocation.State.SubmittedAt, excluded);
    }

    private static AgreementType TypeFor(RelocationKind kind) => kind switch
    {
        RelocationKind.AcquittedPersonRelocation => AgreementType.AcquittedPersonRelocation,
        RelocationKind.InterimRelease => AgreementType.InterimRelease,
        _ => AgreementType.WitnessRelocation,
    };
}
