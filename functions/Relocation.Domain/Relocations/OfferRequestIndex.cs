using Relocation.Domain.Capacities;

namespace Relocation.Domain.Relocations;

/// <summary>
/// What a State's focal point is shown of an offer request addressed to it, as its index row carries it: the case's id
/// and pseudonym and only what the State needs to decide (PRODUCT.md, <i>Protection of persons</i>: household size, needs,
/// languages, priority, deadline). Nothing here is protected, so the row may hold it.
/// </summary>
public sealed record OfferRequestLine(
    string RelocationId,
    string Pseudonym,
    RelocationKind Kind,
    RelocationPriority Priority,
    int HouseholdSize,
    bool MedicalCare,
    IReadOnlyList<string> Languages,
    int Round,
    DateTimeOffset Deadline)
{
    /// <summary>The line of <paramref name="round"/>'s request about <paramref name="relocation"/>.</summary>
    public static OfferRequestLine For(RelocationCase relocation, RoundRecord round)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(round);
        var facts = relocation.Facts;
        return new OfferRequestLine(relocation.Id, facts.Pseudonym, facts.Kind, facts.Priority, facts.Household.Size, facts.Needs.MedicalCare,
            facts.Needs.Languages, round.Number, round.Deadline);
    }

    /// <summary>
    /// The line of the request the case asks <paramref name="stateCode"/> now: its open round asked the State, which has
    /// not answered there; null when the case does not (answered, round closed, case accepted, cancelled or closed).
    /// </summary>
    public static OfferRequestLine? OpenFor(RelocationCase relocation, string stateCode)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        return relocation is { Status: RelocationStatus.AwaitingOffers, CurrentRound: { ClosedAt: null } round }
            && round.Asked.Any(a => a.StateCode == stateCode)
            && !relocation.Offers.Any(o => o.StateCode == stateCode && o.Round == round.Number)
                ? For(relocation, round)
                : null;
    }
}

/// <summary>
/// One row of a State's offer-request index as listed: the line it carries, or none for a row written before rows
/// carried it; <paramref name="Closing"/> when a case write that closes the request marked it first (docs/storage.md,
/// <i>The offer-request index</i>).
/// </summary>
public sealed record IndexedOfferRequest(string RelocationId, OfferRequestLine? Line, bool Closing)
{
    /// <summary>
    /// Whether the row can be listed as it stands, without reading its case. Not when it carries no line (older rows),
    /// when a closing write marked it (the write may have landed and its delete been cut short by a crash), or when its
    /// deadline has passed (the round's close is due or done; a row that outlived it is one whose delete was lost): then
    /// the case is point-read, and decides.
    /// </summary>
    public bool ListableAsStored(DateTimeOffset now) => Line is { } line && !Closing && line.Deadline > now;
}
