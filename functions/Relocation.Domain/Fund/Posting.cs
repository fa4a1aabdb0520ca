namespace Relocation.Domain.Fund;

/// <summary>What a posting records.</summary>
public enum PostingKind
{
    Pledge = 1,
    Receipt,
    Commitment,
    Release,
    Disbursement,
    Correction,

    /// <summary>The outstanding part of a pledge that will not be paid (Dr WrittenOff / Cr Receivable).</summary>
    WriteOff,

    /// <summary>Outstanding pledges at a month's rates (Dr/Cr Receivable, Cr/Dr UnrealisedExchange); reversible by correction.</summary>
    Revaluation,
}

/// <summary>
/// One pledge of a revaluation: its outstanding amount in its currency when revalued, the EUR it is carried at from
/// then on, and the adjustment to its receivable (positive: an unrealised gain).
/// </summary>
public sealed record RevaluationLine(string PledgeId, long OutstandingAmount, long NewEur)
{
    public string? DonorId { get; init; }

    public long Adjustment { get; init; }
}

/// <summary>One line of a posting: an account and a signed EUR amount in minor units (debit positive).</summary>
public sealed record LedgerEntry(string Account, long EurMinor);

/// <summary>
/// A validated request to post: the posting's content before it is decided against the ledger. Its
/// <see cref="ContentHash"/> tells a replay (same key, same content) from a reuse of the key (a conflict).
/// </summary>
public sealed record FundCommand(PostingKind Kind, DateOnly Date, long EurMinor)
{
    /// <summary>The donor's id: a State's ISO code (the field's original meaning) or a registered donor's id.</summary>
    public string? DonorStateCode { get; init; }

    /// <summary>A pledge's due date, when the donor gave one (the forecast counts on it).</summary>
    public DateOnly? DueDate { get; init; }

    /// <summary>Why a pledge is written off.</summary>
    public string? Reason { get; init; }

    /// <summary>For a revaluation: each outstanding pledge at the month's rate.</summary>
    public IReadOnlyList<RevaluationLine> Revaluations { get; init; } = [];

    /// <summary>For a disbursement: the programme support cost charged on it (0 when the charge is off, the default).</summary>
    public long SupportCostMinor { get; init; }

    /// <summary>The pledge a receipt settles, the commitment a release or disbursement draws on, the posting a correction reverses.</summary>
    public string? TargetId { get; init; }

    public Money? Amount { get; init; }

    /// <summary>A receipt's earmark, or a commitment's purpose; empty when none.</summary>
    public string Earmark { get; init; } = string.Empty;

    public string? RelocationId { get; init; }

    public string? Payee { get; init; }

    public string? Reference { get; init; }

    public string ContentHash()
    {
        var text = string.Join('\u001f', Kind, Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), EurMinor,
            DonorStateCode, TargetId, Amount?.Minor, Amount?.Currency, Earmark, RelocationId, Payee, Reference);

        // Fields added later join the hash only when present, so the hashes of earlier postings (and their replays) stay the same.
        if (DueDate is not null || Reason is not null || Revaluations.Count > 0)
        {
            text = string.Join('\u001f', text, DueDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Reason,
                string.Join(';', Revaluations.Select(r => $"{r.PledgeId}:{r.OutstandingAmount}:{r.NewEur}")));
        }

        if (SupportCostMinor != 0)
        {
            text = string.Join('\u001f', text, "psc", SupportCostMinor);
        }

        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }
}

/// <summary>
/// An applied posting: immutable once written. <see cref="Sequence"/> is its place in the ledger (1, 2, …);
/// <see cref="Id"/> is derived from its idempotency key, so a retried request finds the posting it already made.
/// </summary>
public sealed record Posting(
    string Id,
    long Sequence,
    PostingKind Kind,
    DateOnly Date,
    DateTimeOffset RecordedAt,
    long EurMinor,
    IReadOnlyList<LedgerEntry> Entries,
    string ContentHash)
{
    /// <summary>The donor's id (a State's code for States).</summary>
    public string? DonorStateCode { get; init; }

    public string? TargetId { get; init; }

    public Money? Amount { get; init; }

    public string Earmark { get; init; } = string.Empty;

    public string? RelocationId { get; init; }

    public string? Payee { get; init; }

    public string? Reference { get; init; }

    public DateOnly? DueDate { get; init; }

    public string? Reason { get; init; }

    /// <summary>
    /// For a receipt against a pledge, a write-off, or a correction of such a receipt: the EUR taken off the pledge's
    /// receivable (its booked value); the rest of a receipt's EUR value is the exchange difference.
    /// </summary>
    public long Booked { get; init; }

    /// <summary>For a revaluation (or its correction, adjustments negated): the pledges revalued.</summary>
    public IReadOnlyList<RevaluationLine> Revaluations { get; init; } = [];

    /// <summary>For a disbursement: the programme support cost charged on it (its own entry pair).</summary>
    public long SupportCostMinor { get; init; }

    /// <summary>For a correction: the kind of the posting it reverses.</summary>
    public PostingKind? CorrectedKind { get; init; }

    /// <summary>For a correction of a receipt against a pledge: that pledge, whose outstanding amount is restored.</summary>
    public string? CorrectedPledgeId { get; init; }

    /// <summary>The posting id for an idempotency key: 32 hex digits of its SHA-256.</summary>
    public static string IdFor(string idempotencyKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(idempotencyKey)))[..32];
    }
}

/// <summary>The answer to a post: the posting, and whether it was already there (a replay).</summary>
public sealed record PostingResult(Posting Posting, bool Replayed);
