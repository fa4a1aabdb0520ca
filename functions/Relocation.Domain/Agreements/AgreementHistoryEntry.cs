namespace Relocation.Domain.Agreements;

/// <summary>
/// One step of an agreement's history: the event, the date it took effect, who recorded it and when; a refused event
/// is kept too, with why.
/// </summary>
public sealed record AgreementHistoryEntry(
    int Sequence,
    AgreementEvent Event,
    DateOnly Date,
    string? Note,
    string RecordedBy,
    string RecordedByRole,
    DateTimeOffset RecordedAt,
    AgreementStatus? ResultingStatus,
    string? RejectedBecause = null,
    string? RequestId = null)
{
    public bool Rejected => RejectedBecause is not null;

    /// <summary><see cref="RejectedBecause"/> as a code (a <c>ProblemCode</c> name), null when the refusal has none or was recorded before codes.</summary>
    public string? RejectedCode { get; init; }

    /// <summary>The code's arguments as invariant text.</summary>
    public IReadOnlyDictionary<string, string>? RejectedArgs { get; init; }
}
