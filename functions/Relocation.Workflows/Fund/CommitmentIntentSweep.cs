using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relocation.Domain.Fund;

namespace Relocation.Workflows.Fund;

/// <summary>When and how much the commitment-intent sweep looks, from <c>Workflows:CommitmentIntents</c>.</summary>
public sealed class CommitmentIntentSweepOptions
{
    public const string SectionName = "Workflows:CommitmentIntents";

    /// <summary>Between two sweeps (the local host's loop; the Functions app's timer runs every 5 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// An intent younger than this is left to its request, which deletes it right after its post and second read
    /// (milliseconds); only a request that died in between leaves one this old.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Intents settled per sweep (a few point reads each); the rest wait for the next one.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;
}

/// <summary>What one sweep did: intents past their grace period settled, and how many of them released a commitment.</summary>
public sealed record CommitmentIntentSweepResult(int Settled, int Released);

/// <summary>
/// Finishes what a <c>POST fund/commitments</c> that died between its post and its second read of the case left undone
/// (docs/fund.md): its intent, written before the post, is still there past the grace period. Each one is settled by
/// <see cref="CaseCommitments.SettleAsync"/>: a commitment whose case has closed is released under the case's ending key
/// (nothing when its request or the ending already did), then the intent is deleted. A background job: it reads the
/// intents' small table whole, never the ledger.
/// </summary>
public sealed partial class CommitmentIntentSweep(
    ICommitmentIntents intents,
    IFundLedger ledger,
    CaseCommitments commitments,
    IOptions<CommitmentIntentSweepOptions> options,
    TimeProvider time,
    ILogger<CommitmentIntentSweep> logger)
{
    public CommitmentIntentSweepOptions Options => options.Value;

    public async Task<CommitmentIntentSweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var due = await intents.WrittenBeforeAsync(time.GetUtcNow() - options.Value.GracePeriod, options.Value.BatchSize, cancellationToken);
        if (due.Count == 0)
        {
            return new CommitmentIntentSweepResult(0, 0);
        }

        // The head first: it rolls forward a posting whose writer died after committing its slot, so its document is found.
        await ledger.BalanceAsync(null, cancellationToken);
        var released = 0;
        foreach (var intent in due)
        {
            if (await commitments.SettleAsync(intent.CommitmentId, cancellationToken))
            {
                released++;
            }
        }

        if (released > 0)
        {
            LogReleased(logger, released, due.Count);
        }

        return new CommitmentIntentSweepResult(due.Count, released);
    }

    [LoggerMessage(EventId = 434, Level = LogLevel.Warning, Message = "Commitment-intent sweep: {Released} of {Settled} commitments left by a request that died after posting were on a closed case; released under its ending")]
    private static partial void LogReleased(ILogger logger, int released, int settled);
}
