using Relocation.Domain.Fund;

namespace Relocation.Storage.Fund;

/// <summary>
/// Loads a history of postings into an empty ledger at once (a migration, the history bench): the rows written are
/// exactly those <see cref="IFundLedger.PostAsync"/> would leave after posting each command in turn, built in memory and
/// written in entity-group transactions of up to 100 rows.
/// </summary>
public interface IFundLedgerImport
{
    /// <summary>
    /// Posts the commands in order as one history. Refuses (writing nothing) a ledger that already holds a posting, or a
    /// command the rules refuse. A key used twice with the same content is a replay, as in <see cref="IFundLedger.PostAsync"/>.
    /// </summary>
    /// <returns>How many postings were written.</returns>
    Task<int> ImportAsync(IEnumerable<(FundCommand Command, string IdempotencyKey)> postings, CancellationToken cancellationToken);
}
