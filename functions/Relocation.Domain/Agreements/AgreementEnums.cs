// "Signed" is the contract's word for the status and the event, not a type name.
#pragma warning disable CA1720

namespace Relocation.Domain.Agreements;

/// <summary>What the State agrees to do for the Court.</summary>
public enum AgreementType
{
    SentenceEnforcement = 1,
    InterimRelease,
    WitnessRelocation,
    AcquittedPersonRelocation,
}

/// <summary>A standing framework, or a one-off arrangement for a single case.</summary>
public enum Arrangement
{
    Framework = 1,
    AdHoc,
}

/// <summary>Where an agreement is in its life; only <see cref="InForce"/> counts for matching.</summary>
public enum AgreementStatus
{
    Negotiating = 1,
    Signed,
    InForce,
    Suspended,
    Terminated,
    Expired,
}

/// <summary>What can happen to an agreement. <see cref="Expired"/> is the system's own, at the expiry date.</summary>
public enum AgreementEvent
{
    Signed = 1,
    EnteredIntoForce,
    Suspended,
    Resumed,
    Terminated,
    Expired,
}
