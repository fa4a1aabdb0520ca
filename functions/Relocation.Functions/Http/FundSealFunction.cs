using Microsoft.Azure.Functions.Worker;
using Relocation.Domain.Fund;

namespace Relocation.Functions.Http;

/// <summary>
/// Hourly: the fund ledger's closed segments sealed into blobs (nothing to do on most runs), after the one-time backfill
/// of the commitment index (<see cref="IFundArchive.BackfillRelocationIndexAsync"/>: a point read once done).
/// </summary>
public sealed class FundSealFunction(IFundArchive archive)
{
    [Function("SealFund")]
    public async Task Run([TimerTrigger("0 35 * * * *")] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await archive.BackfillRelocationIndexAsync(context.CancellationToken);
        await archive.SealAsync(context.CancellationToken);
    }
}
