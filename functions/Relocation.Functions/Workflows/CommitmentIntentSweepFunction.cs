using Microsoft.Azure.Functions.Worker;
using Relocation.Workflows.Fund;

namespace Relocation.Functions.Workflows;

/// <summary>
/// Every 5 minutes (and at start): settles the fund commitments whose <c>POST fund/commitments</c> died between its post
/// and its second read of the case, releasing those on a closed case under the case's ending key. See docs/fund.md.
/// </summary>
public sealed class CommitmentIntentSweepFunction(CommitmentIntentSweep sweep)
{
    public const string Name = "CommitmentIntentSweep";

    [Function(Name)]
    public Task Run([TimerTrigger("0 */5 * * * *", RunOnStartup = true)] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return sweep.SweepAsync(context.CancellationToken);
    }
}
