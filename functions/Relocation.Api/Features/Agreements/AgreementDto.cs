using Relocation.Api.Features.Relocations;
using Relocation.Domain.Agreements;

namespace Relocation.Api.Features.Agreements;

/// <summary>An agreement as the API shows it.</summary>
public sealed record AgreementDto(
    string Id,
    string StateCode,
    AgreementType Type,
    Arrangement Arrangement,
    bool CostNeutral,
    bool Confidential,
    string Title,
    DateOnly? ExpiresOn,
    DateOnly? ReviewOn,
    AgreementStatus Status,
    bool Usable,
    int PendingEvents,
    string StatusUrl,
    IReadOnlyList<AgreementHistoryDto> History)
{
    public static AgreementDto From(Agreement a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var d = a.Details;
        return new(a.Id, d.StateCode, d.Type, d.Arrangement, d.CostNeutral, d.Confidential, d.Title, d.ExpiresOn, d.ReviewOn, a.Status,
            a.Status == AgreementStatus.InForce, a.Pending.Count, $"/api/agreements/{a.Id}",
            a.History.Select(h => new AgreementHistoryDto(h.Sequence, h.Event, h.Date, h.Note, h.RecordedBy, h.RecordedByRole, h.RecordedAt, h.ResultingStatus, h.RejectedBecause)
            {
                RejectedExplanation = h.RejectedCode is null ? null : new ExplanationDto(h.RejectedCode, h.RejectedArgs ?? new Dictionary<string, string>(StringComparer.Ordinal)),
            }).ToArray());
    }
}

/// <summary>One step of an agreement's history.</summary>
public sealed record AgreementHistoryDto(int Sequence, AgreementEvent Event, DateOnly Date, string? Note, string By, string Role, DateTimeOffset At, AgreementStatus? Status, string? RejectedBecause)
{
    /// <summary><c>RejectedBecause</c> as a code with arguments (a <c>ProblemCode</c>: <c>AgreementEventNotPossible</c>, …); absent when none or recorded before codes.</summary>
    public ExplanationDto? RejectedExplanation { get; init; }
}

/// <summary>The answer to registering an agreement: its id, status and where to follow it.</summary>
public sealed record AgreementAcceptedDto(string Id, AgreementStatus Status, string StatusUrl);

/// <summary>A stored agreement document.</summary>
public sealed record DocumentStoredDto(string AgreementId, string Name, string ContentType, int Bytes);
