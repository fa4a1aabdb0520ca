namespace Relocation.Domain.Capacities;

/// <summary>A capacity as a caller sends it; every member may be missing and is checked by <see cref="CapacityTerms.From"/>.</summary>
public sealed record CapacityInput(
    IReadOnlyList<RelocationKind?>? Kinds,
    int? Places,
    int? MaxHouseholdSize,
    IReadOnlyList<string?>? Languages,
    bool? MedicalCare,
    DateOnly? AvailableFrom,
    DateOnly? AvailableUntil,
    bool? NeedsFundSupport);
