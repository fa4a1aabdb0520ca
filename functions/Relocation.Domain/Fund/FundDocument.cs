namespace Relocation.Domain.Fund;

/// <summary>
/// What later postings need to know of an earlier one: a pledge's outstanding amount, a commitment's remaining amount,
/// whether a posting was corrected. <see cref="LastSequence"/> is the last posting applied to it, so applying the same
/// posting twice changes nothing.
/// </summary>
public sealed record FundDocument(string Id, PostingKind Kind, DateOnly Date, long EurMinor, long LastSequence)
{
    public string? DonorStateCode { get; init; }

    public string? RelocationId { get; init; }

    public string Earmark { get; init; } = string.Empty;

    /// <summary>For a receipt: the pledge it settled.</summary>
    public string? PledgeId { get; init; }

    /// <summary>For a pledge: received against it (net of corrected receipts), in EUR as the receipts recorded it.</summary>
    public long Received { get; init; }

    /// <summary>For a pledge or receipt: its currency (a pledge is owed, and settled, in it).</summary>
    public string? Currency { get; init; }

    /// <summary>For a pledge or receipt: its amount in minor units of <see cref="Currency"/>.</summary>
    public long AmountMinor { get; init; }

    /// <summary>For a pledge: received against it in its own currency (minor units).</summary>
    public long ReceivedAmount { get; init; }

    /// <summary>For a pledge: written off, in its own currency (minor units).</summary>
    public long WrittenOffAmount { get; init; }

    /// <summary>For a pledge: booked EUR taken off its receivable by receipts and write-offs. For a receipt or write-off: its own.</summary>
    public long Booked { get; init; }

    public DateOnly? DueDate { get; init; }

    /// <summary>For a pledge: unrealised exchange adjustments to its receivable (revaluations net of their corrections).</summary>
    public long Revalued { get; init; }

    /// <summary>For a revaluation: the pledges it revalued and by how much.</summary>
    public IReadOnlyList<RevaluationLine> Revaluations { get; init; } = [];

    public long Released { get; init; }

    public long Disbursed { get; init; }

    public string? CorrectedBy { get; init; }

    public string ContentHash { get; init; } = string.Empty;

    /// <summary>A pledge's outstanding amount in its own currency (minor units): what the donor still owes.</summary>
    public long OutstandingAmount => Kind == PostingKind.Pledge && CorrectedBy is null ? AmountMinor - ReceivedAmount - WrittenOffAmount : 0;

    /// <summary>A pledge's outstanding amount (its booked EUR still receivable) or a commitment's remaining amount.</summary>
    public long Remaining => Kind switch
    {
        PostingKind.Pledge => CorrectedBy is null ? EurMinor + Revalued - Booked : 0,
        PostingKind.Commitment => EurMinor - Released - Disbursed,
        _ => 0,
    };

    public static FundDocument Open(Posting posting)
    {
        ArgumentNullException.ThrowIfNull(posting);
        return new FundDocument(posting.Id, posting.Kind, posting.Date, posting.EurMinor, posting.Sequence)
        {
            DonorStateCode = posting.DonorStateCode,
            RelocationId = posting.RelocationId,
            Earmark = posting.Earmark,
            PledgeId = posting.Kind == PostingKind.Receipt ? posting.TargetId : null,
            Currency = posting.Amount?.Currency,
            AmountMinor = posting.Amount?.Minor ?? 0,
            Booked = posting.Kind == PostingKind.Pledge ? 0 : posting.Booked,
            DueDate = posting.DueDate,
            Revaluations = posting.Kind == PostingKind.Revaluation ? posting.Revaluations : [],
            ContentHash = posting.ContentHash,
        };
    }

    /// <summary>The earlier documents a posting changes (besides its own).</summary>
    public static IEnumerable<string> TouchedBy(Posting posting)
    {
        ArgumentNullException.ThrowIfNull(posting);
        if (posting.TargetId is not null)
        {
            yield return posting.TargetId;
        }

        if (posting.CorrectedPledgeId is not null)
        {
            yield return posting.CorrectedPledgeId;
        }

        foreach (var line in posting.Revaluations)
        {
            yield return line.PledgeId;
        }
    }

    /// <summary>This document after <paramref name="posting"/>; unchanged when it was already applied.</summary>
    public FundDocument Apply(Posting posting)
    {
        ArgumentNullException.ThrowIfNull(posting);
        if (posting.Sequence <= LastSequence)
        {
            return this;
        }

        var next = this with { LastSequence = posting.Sequence };
        if (posting.Revaluations.Where(l => l.PledgeId == Id).Sum(l => l.Adjustment) is var adjustment && adjustment != 0)
        {
            return next with { Revalued = Revalued + adjustment };
        }

        return posting.Kind switch
        {
            PostingKind.Receipt when posting.TargetId == Id => next with
            {
                Received = Received + posting.EurMinor,
                ReceivedAmount = ReceivedAmount + (posting.Amount?.Minor ?? 0),
                Booked = Booked + posting.Booked,
            },
            PostingKind.WriteOff when posting.TargetId == Id => next with
            {
                WrittenOffAmount = WrittenOffAmount + (posting.Amount?.Minor ?? 0),
                Booked = Booked + posting.Booked,
            },
            PostingKind.Release when posting.TargetId == Id => next with { Released = Released + posting.EurMinor },
            PostingKind.Disbursement when posting.TargetId == Id => next with { Disbursed = Disbursed + posting.EurMinor },
            PostingKind.Correction when posting.TargetId == Id => next with { CorrectedBy = posting.Id },
            PostingKind.Correction when posting.CorrectedPledgeId == Id => next with
            {
                Received = Received - posting.EurMinor,
                ReceivedAmount = ReceivedAmount - (posting.Amount?.Minor ?? 0),
                Booked = Booked - posting.Booked,
            },
            _ => next,
        };
    }
}
