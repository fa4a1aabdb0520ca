using System.Globalization;

namespace Relocation.Domain.Relocations;

/// <summary>
/// What a case timeline entry's detail, or a refused acceptance's reason, says, as a code a client can put in its own
/// language; the English text stays the API's detail, so each code is given next to the text it stands for.
/// </summary>
public enum CaseDetailCode
{
    Submitted = 1,
    ConsentOnSubmit,
    ReRelocation,
    ConsentRecorded,
    RelocationClockStarted,
    Overdue,
    Withdrawn,
    ReviewDue,
    ReviewExtend,
    ReviewEnd,
    ReviewReRelocate,
    ExtensionConfirmed,
    ExtensionRefused,
    Travel,
    TravelWithDocuments,
    RoundNoFit,
    RoundSent,
    RoundReplanned,
    RoundClosed,
    Answered,
    AcceptanceRequested,
    OfferAccepted,
    OfferAcceptedCommitted,
    Arrived,

    /// <summary>Cancelled by VWU (arg <c>reason</c>: VWU's own words, shown as written).</summary>
    Cancelled,
    Escalated,

    /// <summary>Refused: the relocation was cancelled while the acceptance was pending.</summary>
    RefusedCancelled,

    /// <summary>Refused: the last round's deadline passed while the acceptance was pending.</summary>
    RefusedEscalated,

    /// <summary>Refused: the relocation's status changed meanwhile (arg <c>status</c>).</summary>
    RefusedStatusChanged,

    /// <summary>Refused: the place needs the Fund but the offer gives no cost (arg <c>state</c>).</summary>
    RefusedNoCost,

    /// <summary>Refused: the capacity cannot hold the places any more (args <c>state</c>, <c>places</c>).</summary>
    RefusedCannotHold,

    /// <summary>Refused: the Special Fund cannot cover the cost (arg <c>amount</c>, EUR).</summary>
    RefusedFundShort,
}

/// <summary>A detail as its code (a <see cref="CaseDetailCode"/> name) and arguments as invariant text; stored with the entry it explains.</summary>
public sealed record CaseExplanation(string Code, IReadOnlyDictionary<string, string>? Args = null)
{
    public static CaseExplanation Of(CaseDetailCode code, params (string Name, object? Value)[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new(code.ToString(), args.Length == 0 ? null : args.ToDictionary(a => a.Name, a => Text(a.Value), StringComparer.Ordinal));
    }

    // A value: two explanations with the same code and the same arguments are equal, whatever dictionary holds them
    // (a record compares its dictionary by reference, so a timeline read back from storage never equalled the one written).
    public bool Equals(CaseExplanation? other) =>
        other is not null && string.Equals(Code, other.Code, StringComparison.Ordinal) && SameArgs(Args, other.Args);

    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Code), Args?.Count ?? 0);

    private static bool SameArgs(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0)
        : b is not null && a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal));

    // Dates as ISO, times as ISO UTC to the minute, enums by name: what the English text shows, in a form a client can reformat.
    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}

/// <summary>A refusal's English reason (what VWU read until now) and its code.</summary>
public sealed record AcceptanceRefusal(string Reason, CaseExplanation Explanation)
{
    public static AcceptanceRefusal Cancelled { get; } = new("The relocation was cancelled before the acceptance could be carried out.", CaseExplanation.Of(CaseDetailCode.RefusedCancelled));

    public static AcceptanceRefusal Escalated { get; } = new(
        "The last round's deadline passed before the acceptance could be carried out; the relocation is escalated.", CaseExplanation.Of(CaseDetailCode.RefusedEscalated));

    public static AcceptanceRefusal StatusChanged(RelocationStatus status) =>
        new($"The request became {status} meanwhile.", CaseExplanation.Of(CaseDetailCode.RefusedStatusChanged, ("status", status)));

    public static AcceptanceRefusal NoCost(string stateCode) =>
        new($"{stateCode}'s place needs Special Fund support but its offer gives no estimated cost.", CaseExplanation.Of(CaseDetailCode.RefusedNoCost, ("state", stateCode)));

    /// <summary>The capacity row refused the hold; <paramref name="why"/> is its English message, kept in the English reason only.</summary>
    public static AcceptanceRefusal CannotHold(string stateCode, int places, string why) =>
        new($"{stateCode} cannot hold {places} place(s) any more: {why}", CaseExplanation.Of(CaseDetailCode.RefusedCannotHold, ("state", stateCode), ("places", places)));

    /// <summary>The Fund refused the commitment; <paramref name="why"/> is its English message, kept in the English reason only.</summary>
    public static AcceptanceRefusal FundShort(long costEurMinor, string why)
    {
        var amount = (costEurMinor / 100m).ToString("0.00", CultureInfo.InvariantCulture);
        return new($"The Special Fund cannot cover {amount} EUR: {why}", CaseExplanation.Of(CaseDetailCode.RefusedFundShort, ("amount", amount)));
    }
}
