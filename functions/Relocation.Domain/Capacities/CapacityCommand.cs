namespace Relocation.Domain.Capacities;

/// <summary>A capacity to register, unchecked: every member may be missing and is checked by <see cref="CapacityTerms.From"/>.</summary>
public sealed record CapacityCommand(
    IReadOnlyList<RelocationKind?>? Kinds,
    int? Places,
    int? MaxHouseholdSize,
    IReadOnlyList<string?>? Languages,
    bool? MedicalCare,
    DateOnly? AvailableFrom,
    DateOnly? AvailableUntil,
    bool? NeedsFundSupport);
