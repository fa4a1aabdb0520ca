namespace Relocation.Domain.Agreements;

/// <summary>A new agreement as a caller sends it; every member may be missing and is checked.</summary>
public sealed record AgreementInput(
    string? StateCode,
    AgreementType? Type,
    Arrangement? Arrangement,
    bool? CostNeutral,
    bool? Confidential,
    string? Title,
    DateOnly? ExpiresOn,
    DateOnly? ReviewOn);

/// <summary>A lifecycle event as a caller sends it.</summary>
public sealed record AgreementEventInput(AgreementEvent? Event, DateOnly? Date, string? Note);
