using Relocation.Domain.Relocations;

namespace Relocation.Testing.Fakes;

/// <summary>The caseload index over an in-memory repository: every line derived from its case, one page.</summary>
public sealed class InMemoryCaseloadIndex(InMemoryRelocationRepository relocations) : ICaseloadIndex
{
    public Task<CaseloadPage> ListAsync(CaseloadQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var lines = relocations.All().Select(CaseloadEntry.From)
            .Where(e => (query.Status is null || e.Status == query.Status) && (query.Priority is null || e.Priority == query.Priority))
            .ToList();
        lines.Sort(CaseloadEntry.Compare);
        return Task.FromResult(new CaseloadPage(lines, null));
    }
}
