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

/// <summary>The protected person's details: stored only encrypted, read only by VWU with a reason.</summary>
public sealed record ProtectedPerson(string FullName, DateOnly DateOfBirth, string CurrentLocation, string Contact);
