namespace Relocation.Domain.Agreements;

/// <summary>A new agreement to open, unchecked: every member may be missing and is checked.</summary>
public sealed record AgreementCommand(
    string? StateCode,
    AgreementType? Type,
    Arrangement? Arrangement,
    bool? CostNeutral,
    bool? Confidential,
    string? Title,
    DateOnly? ExpiresOn,
    DateOnly? ReviewOn);

/// <summary>A lifecycle event to apply, unchecked.</summary>
public sealed record AgreementEventCommand(AgreementEvent? Event, DateOnly? Date, string? Note);
