using Relocation.Domain.Capacities;

namespace Relocation.Api.Features.Capacities;

/// <summary><c>POST /api/states/{code}/capacity</c> and <c>PUT …/capacity/{id}</c>.</summary>
public sealed record CapacityInput(
    IReadOnlyList<RelocationKind?>? Kinds,
    int? Places,
    int? MaxHouseholdSize,
    IReadOnlyList<string?>? Languages,
    bool? MedicalCare,
    DateOnly? AvailableFrom,
    DateOnly? AvailableUntil,
    bool? NeedsFundSupport)
{
    public CapacityCommand ToCommand() => new(Kinds, Places, MaxHouseholdSize, Languages, MedicalCare, AvailableFrom, AvailableUntil, NeedsFundSupport);
}
