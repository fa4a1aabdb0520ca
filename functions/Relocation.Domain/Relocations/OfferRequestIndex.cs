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
/// carried it; <paramref name="Closing"/> when a case write that closes the request marked it first (a mark an earlier
/// round's close left does not count); <paramref name="Unconfirmed"/> while no list has checked, against its case read
/// after the row was written, that the case still asks the State (a round opening that read the case before the State
/// answered writes its row after the answer's delete); <paramref name="Version"/> the row's ETag as read, so a
/// confirmation changes the row only if nothing touched it since (docs/storage.md, <i>The offer-request index</i>).
/// </summary>
public sealed record IndexedOfferRequest(string RelocationId, OfferRequestLine? Line, bool Closing, bool Unconfirmed = false, string? Version = null)
{
    /// <summary>
    /// Whether the row can be listed as it stands, without reading its case. Not when it carries no line (older rows),
    /// when a closing write marked it (the write may have landed and its delete been cut short by a crash), when no list
    /// has confirmed it yet, or when its deadline has passed (the round's close is due or done; a row that outlived it is
    /// one whose delete was lost): then the case is point-read, and decides (<see cref="OfferRequestCheck"/>).
    /// </summary>
    public bool ListableAsStored(DateTimeOffset now) => Line is { } line && !Closing && !Unconfirmed && line.Deadline > now;
}

/// <summary>What a doubtful index row's case says of it (<see cref="OfferRequestCheck.Of"/>).</summary>
public enum OfferRequestVerdict
{
    /// <summary>The case still asks the State: list it from the case; an unconfirmed row of that round is confirmed.</summary>
    Open,

    /// <summary>The case asked the State and no longer does (answered, round closed, case closed): the row goes.</summary>
    Closed,

    /// <summary>No case, or a case that never named the State (a round being opened): the row stays as it is, unlisted.</summary>
    Unknown,
}

/// <summary>
/// The rule a State's list and the index sweep share for a row that cannot be listed as stored: its case, point-read
/// after the row was read, decides. Because the case is read after the row, a row the case still asks for at that moment
/// was written for an open request, and any closing write after this read marks it again before it writes the case.
/// </summary>
public static class OfferRequestCheck
{
    /// <summary>What <paramref name="relocation"/> (null: not found) says of <paramref name="stateCode"/>'s row, with the line to list when open.</summary>
    public static (OfferRequestVerdict Verdict, OfferRequestLine? Line) Of(RelocationCase? relocation, string stateCode)
    {
        if (relocation is null)
        {
            return (OfferRequestVerdict.Unknown, null);
        }

        if (OfferRequestLine.OpenFor(relocation, stateCode) is { } line)
        {
            return (OfferRequestVerdict.Open, line);
        }

        // Answered or closed, and the case write's delete was cut short (or a late round opening wrote the row back): it
        // goes. A row whose case does not name this State yet belongs to a round being opened, and stays.
        return relocation.Rounds.Any(r => r.Asked.Any(a => a.StateCode == stateCode)) ? (OfferRequestVerdict.Closed, null) : (OfferRequestVerdict.Unknown, null);
    }

    /// <summary>Whether an open verdict may confirm the row: unconfirmed, unmarked, and the case asks for the same round the row carries.</summary>
    public static bool Confirms(IndexedOfferRequest row, OfferRequestLine open)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(open);
        return row is { Unconfirmed: true, Closing: false, Line: { } line } && line.Round == open.Round && row.Version is not null;
    }
}
