using Relocation.Domain.Fund;

namespace Relocation.Workflows.Fund;

/// <summary>
/// The fund report: summary, contributions by donor and by year, and commitments and disbursements by relocation.
/// Relocations appear by their funding reference (the relocation id) only — no pseudonym, no receiving State next to a
/// case; nothing about a protected person is in the ledger, so nothing can leak into the report.
/// </summary>
public sealed record FundReport(
    DateOnly AsOf,
    DateTimeOffset GeneratedAt,
    long Sequence,
    FundBalance Balance,
    IReadOnlyList<RelocationLine> Relocations)
{
    public static FundReport From(FundBook book, DateOnly asOf, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(book);
        var position = book.PositionAsOf(asOf);
        var relocations = book.Postings
            .Where(p => p.Date <= asOf && p.RelocationId is not null)
            .GroupBy(p => p.RelocationId!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new RelocationLine(
                g.Key,
                g.Where(p => p.Kind == PostingKind.Commitment).Sum(p => p.EurMinor),
                g.Where(p => p.Kind == PostingKind.Release).Sum(p => p.EurMinor),
                g.Where(p => p.Kind == PostingKind.Disbursement).Sum(p => p.EurMinor)))
            .ToArray();
        return new FundReport(asOf, now, position.Sequence, FundBalance.From(position, asOf), relocations);
    }
}

/// <summary>One relocation's commitments, releases and disbursements in EUR minor units.</summary>
public sealed record RelocationLine(string RelocationId, long Committed, long Released, long Disbursed)
{
    public long Open => Committed - Released - Disbursed;
}
