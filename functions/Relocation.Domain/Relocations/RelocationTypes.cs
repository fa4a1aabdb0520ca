namespace Relocation.Domain.Relocations;

/// <summary>How urgent a relocation is; it sets the clock (see <see cref="PriorityClock"/>).</summary>
public enum RelocationPriority
{
    Emergency = 1,
    Urgent,
    Normal,
}

/// <summary>Where a relocation request stands.</summary>
public enum RelocationStatus
{
    Submitted = 1,
    AwaitingOffers,
    OfferAccepted,
    Relocated,
    Escalated,
    Cancelled,

    /// <summary>Accepted, and not arrived by the relocation due date: escalated to the Registry; arrival still clears it.</summary>
    Overdue,

    /// <summary>The receiving State withdrew; a linked re-relocation request carries the person on.</summary>
    Withdrawn,

    /// <summary>Protection ended at a review: places and fund commitment released.</summary>
    Ended,
}

/// <summary>A State's answer to an offer request.</summary>
public enum OfferDecision
{
    Offer = 1,
    Decline,
}

/// <summary>The people to relocate: the protected person is one of the adults.</summary>
public sealed record Household(int Adults, int Children)
{
    public int Size => Adults + Children;
}

/// <summary>What the receiving State must provide.</summary>
public sealed record Needs(IReadOnlyList<string> Languages, bool MedicalCare);

/// <summary>The priority table of the product: when State responses are due, when the relocation is due, how many rounds.</summary>
public sealed record PriorityClock(TimeSpan ResponsesDue, TimeSpan RelocationDue, int Rounds)
{
    public static PriorityClock For(RelocationPriority priority) => priority switch
    {
        RelocationPriority.Emergency => new(TimeSpan.FromHours(24), TimeSpan.FromDays(7), 3),
        RelocationPriority.Urgent => new(TimeSpan.FromHours(72), TimeSpan.FromDays(42), 3),
        RelocationPriority.Normal => new(TimeSpan.FromDays(14), TimeSpan.FromDays(365), 3),
        _ => throw new ArgumentOutOfRangeException(nameof(priority)),
    };
}

/// <summary>
/// The protected person's details: stored only encrypted, read only by VWU with a reason. The consent record and the
/// travel details live here too (the case row shows only that consent exists and the travel step statuses), so the
/// canary scan has one place to allow them.
/// </summary>
public sealed record ProtectedPerson(string FullName, DateOnly DateOfBirth, string CurrentLocation, string Contact)
{
    public ConsentRecord? Consent { get; init; }

    public IReadOnlyList<TravelRecord>? Travel { get; init; }

    /// <summary>Protection reviews with VWU's notes (the case row keeps only the outcome and dates).</summary>
    public IReadOnlyList<ReviewRecord>? Reviews { get; init; }

    /// <summary>The case this file was re-bound from (a withdrawal's re-relocation), if any.</summary>
    public string? ReboundFrom { get; init; }
}

/// <summary>The person's informed consent to the move (Regulation 96(3) of the Regulations of the Registry).</summary>
public sealed record ConsentRecord(DateOnly GivenOn, string RecordedBy, string Scope);

/// <summary>A travel step as VWU recorded it: dates, escort and documents, kept only in the case file.</summary>
public sealed record TravelRecord(TravelStep Step, DateOnly? PlannedOn, bool? Escort, TravelDocuments? Documents, DateTimeOffset RecordedAt);

/// <summary>A protection review as VWU recorded it, note included: kept only in the case file.</summary>
public sealed record ReviewRecord(ReviewOutcome Outcome, DateOnly ReviewedOn, DateOnly? NewEndDate, string? Note, DateTimeOffset RecordedAt);

/// <summary>What a protection review decided.</summary>
public enum ReviewOutcome
{
    Extend = 1,
    End,
    ReRelocate,
}

/// <summary>The receiving State's answer to an extension.</summary>
public enum ExtensionDecision
{
    Confirm = 1,
    Refuse,
}

/// <summary>Steps of the journey.</summary>
public enum TravelStep
{
    Planned = 1,
    Departed,
}

/// <summary>Where the travel documents stand.</summary>
public enum TravelDocuments
{
    NotNeeded = 1,
    Requested,
    Issued,
}
