namespace Relocation.Domain.Capacities;

/// <summary>What a place can be used for; a capacity serves one or more kinds and a request asks for one.</summary>
public enum RelocationKind
{
    WitnessRelocation = 1,
    TemporaryRelocation,
    AcquittedPersonRelocation,
    InterimRelease,
}
