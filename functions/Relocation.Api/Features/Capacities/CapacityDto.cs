using Relocation.Domain.Capacities;

namespace Relocation.Api.Features.Capacities;

/// <summary>A capacity as the API shows it: counts only, never which relocation holds a place.</summary>
public sealed record CapacityDto(
    string Id,
    string StateCode,
    IReadOnlyList<RelocationKind> Kinds,
    int Places,
    int Held,
    int Used,
    int Free,
    int MaxHouseholdSize,
    IReadOnlyList<string> Languages,
    bool MedicalCare,
    DateOnly AvailableFrom,
    DateOnly AvailableUntil,
    bool NeedsFundSupport,
    DateTimeOffset RegisteredAt,
    DateTimeOffset ConfirmedAt,
    bool Stale,
    string? Version)
{
    public static CapacityDto From(Capacity c, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        var t = c.Terms;
        return new(c.Id, c.StateCode, t.Kinds, t.Places, c.Held, c.Used, c.Free, t.MaxHouseholdSize, t.Languages, t.MedicalCare,
            t.AvailableFrom, t.AvailableUntil, t.NeedsFundSupport, c.RegisteredAt, c.ConfirmedAt, c.IsStale(now), c.Version);
    }
}
