using Relocation.Api.Json;
using Relocation.Domain.Fund;

namespace Relocation.Api.Features.Fund;

// The fund routes' request bodies as the contract names them; each maps to the domain's command, which checks it.

/// <summary><c>POST /api/fund/pledges</c>: the donor as <c>donorId</c> or (a State) <c>donorStateCode</c>; <c>eurValue</c> may be left out when the month has a rate.</summary>
public sealed record PledgeInput(string? DonorStateCode, MoneyDto? Amount, decimal? EurValue, string? Earmark, DateOnly? Date, string? Reference, string? DonorId = null, DateOnly? DueDate = null)
{
    public PledgeCommand ToCommand() => new(DonorStateCode, Amount?.ToFields(), EurValue, Earmark, Date, Reference, DonorId, DueDate);
}

/// <summary><c>POST /api/fund/receipts</c>.</summary>
public sealed record ReceiptInput(string? DonorStateCode, string? PledgeId, MoneyDto? Amount, decimal? EurValue, string? Earmark, DateOnly? Date, string? Reference, string? DonorId = null)
{
    public ReceiptCommand ToCommand() => new(DonorStateCode, PledgeId, Amount?.ToFields(), EurValue, Earmark, Date, Reference, DonorId);
}

/// <summary><c>POST /api/fund/revaluations</c>.</summary>
public sealed record RevaluationInput(string? Month);

/// <summary><c>POST /api/fund/pledges/{id}/write-off</c>.</summary>
public sealed record WriteOffInput(DateOnly? Date, string? Reason)
{
    public WriteOffCommand ToCommand() => new(Date, Reason);
}

/// <summary><c>POST /api/fund/commitments</c>; <c>purpose</c> (optional) lets the commitment use money earmarked for it.</summary>
public sealed record CommitmentInput(string? RelocationId, decimal? EurValue, DateOnly? Date, string? Reference, string? Purpose = null)
{
    public CommitmentCommand ToCommand() => new(RelocationId, EurValue, Date, Reference, Purpose);
}

/// <summary><c>POST /api/fund/commitments/{id}/release</c>.</summary>
public sealed record ReleaseInput(decimal? EurValue, DateOnly? Date)
{
    public ReleaseCommand ToCommand() => new(EurValue, Date);
}

/// <summary><c>POST /api/fund/disbursements</c>.</summary>
public sealed record DisbursementInput(string? CommitmentId, decimal? EurValue, string? Payee, DateOnly? Date, string? Reference)
{
    public DisbursementCommand ToCommand() => new(CommitmentId, EurValue, Payee, Date, Reference);
}

/// <summary><c>POST /api/fund/postings/{id}/correction</c>: reverses a pledge or a receipt; <c>eurValue</c> repeats the original's.</summary>
public sealed record CorrectionInput(decimal? EurValue, DateOnly? Date, string? Reference)
{
    public CorrectionCommand ToCommand() => new(EurValue, Date, Reference);
}

/// <summary><c>PUT /api/fund/donors/{id}</c>.</summary>
public sealed record DonorInput(string? Name, string? Kind, string? Country)
{
    public DonorCommand ToCommand() => new(Name, Kind, Country);
}

/// <summary><c>PUT /api/fund/rates/{yyyy-MM}</c>: the EUR value of one unit of each currency in that month.</summary>
public sealed record RatesInput(IReadOnlyDictionary<string, decimal>? Rates)
{
    public RatesCommand ToCommand() => new(Rates);
}
