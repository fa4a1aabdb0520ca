using Relocation.Domain.Common;

namespace Relocation.Domain.Fund;

/// <summary>
/// The ledger in memory: the reference implementation of the rules, used by the property tests (the table ledger must
/// behave the same) and to fold postings for reports.
/// </summary>
public sealed class FundBook
{
    private readonly List<Posting> _postings = [];
    private readonly Dictionary<string, FundDocument> _documents = new(StringComparer.Ordinal);

    public FundPosition Position { get; } = new();

    public IReadOnlyList<Posting> Postings => _postings;

    public IReadOnlyDictionary<string, FundDocument> Documents => _documents;

    public PostingResult Post(FundCommand command, string idempotencyKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var id = Posting.IdFor(idempotencyKey);
        if (_documents.TryGetValue(id, out var existing))
        {
            return existing.ContentHash == command.ContentHash()
                ? new PostingResult(_postings.First(p => p.Id == id), Replayed: true)
                : throw new ConflictException("This idempotency key was used before for a different posting.");
        }

        var posting = FundRules.Decide(command, id, Position.Sequence + 1, now, Position, d => _documents.GetValueOrDefault(d));
        Apply(posting);
        return new PostingResult(posting, Replayed: false);
    }

    /// <summary>Adds a posting already decided (when folding a stored ledger).</summary>
    public void Apply(Posting posting)
    {
        ArgumentNullException.ThrowIfNull(posting);
        foreach (var touched in FundDocument.TouchedBy(posting))
        {
            if (_documents.TryGetValue(touched, out var document))
            {
                _documents[touched] = document.Apply(posting);
            }
        }

        _documents[posting.Id] = FundDocument.Open(posting);
        Position.Apply(posting);
        _postings.Add(posting);
    }

    /// <summary>The position at the end of a value date: the fold of the postings dated on or before it.</summary>
    public FundPosition PositionAsOf(DateOnly date)
    {
        var position = new FundPosition();
        foreach (var posting in _postings.Where(p => p.Date <= date))
        {
            position.Apply(posting);
        }

        return position;
    }
}
