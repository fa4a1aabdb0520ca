using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Fund;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Fund;

/// <summary>
/// The one-time backfill of the <c>relocation-{id}</c> commitment index. The roll-forward writes a commitment's index
/// row since session 10 (and the import since then too); a commitment posted before that has none, so a cancellation,
/// withdrawal or review End that releases "every commitment of the case" from the index would miss it. This walks the
/// whole ledger once (a background job only: the storage design allows no such read on a request path), inserts the
/// missing rows (an existing row is a 409, left alone), and then writes a marker row, so later runs are one point read.
/// A run that dies before its marker is simply run again: every insert is idempotent.
/// </summary>
internal sealed partial class TableFundLedger
{
    private const string MaintenancePartition = "maintenance";
    private const string RelocationIndexBackfillKey = "relocation-index-backfill";

    public async Task<int?> BackfillRelocationIndexAsync(CancellationToken cancellationToken)
    {
        if (await _table.FindAsync<TableEntity>(MaintenancePartition, RelocationIndexBackfillKey, cancellationToken) is not null)
        {
            return null;
        }

        var written = 0;
        long through = 0;
        await foreach (var posting in ReadAllAsync(cancellationToken))
        {
            through = posting.Sequence;
            if (posting is not { Kind: PostingKind.Commitment, RelocationId: { Length: > 0 } relocationId } || !FundCommands.IsRelocationId(relocationId))
            {
                continue;
            }

            try
            {
                await _table.AddEntityAsync(RelocationEntity(relocationId, posting), cancellationToken);
                written++;
            }
            catch (RequestFailedException ex) when (ex.IsConflict())
            {
                // Indexed already: by the roll-forward (a commitment posted since the index exists) or an earlier run.
            }
        }

        // Postings after `through` were rolled forward with their index rows (ReadAllAsync read up to the head).
        await _table.UpsertEntityAsync(new TableEntity(MaintenancePartition, RelocationIndexBackfillKey) { ["Through"] = through, ["Written"] = written },
            TableUpdateMode.Replace, cancellationToken);
        return written;
    }
}
