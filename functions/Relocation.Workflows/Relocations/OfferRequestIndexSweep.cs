using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relocation.Domain.Relocations;

namespace Relocation.Workflows.Relocations;

/// <summary>When and how much the offer-request index sweep looks, from <c>Workflows:OfferRequestSweep</c>.</summary>
public sealed class OfferRequestIndexSweepOptions
{
    public const string SectionName = "Workflows:OfferRequestSweep";

    /// <summary>Between two sweeps (the local host's loop; the Functions app's timer runs every 10 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Doubtful rows checked against their case per sweep (a point read each); the rest wait for the next one.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;
}

/// <summary>What one sweep did: rows read, rows checked against their case, rows confirmed and rows deleted.</summary>
public sealed record OfferRequestSweepResult(int Rows, int Checked, int Confirmed, int Removed);

/// <summary>
/// Removes the offer-request index rows no list reads again (docs/storage.md, <i>The offer-request index</i>): a State's
/// list deletes a row whose case no longer asks the State, but only when its focal point lists, so a row a crash or a late
/// round opening left in the partition of a State that stops listing would stay for ever. A background job (a timer,
/// never a request or an activity: it scans the index, which holds the open requests of every State plus those
/// leftovers) applies the list's own rule (<see cref="OfferRequestCheck"/>) to every row that cannot be trusted as stored:
/// its case is point-read; closed, the row is deleted; still open, an unconfirmed row of that round is confirmed.
/// </summary>
public sealed partial class OfferRequestIndexSweep(
    IRelocationRepository relocations,
    IOptions<OfferRequestIndexSweepOptions> options,
    TimeProvider time,
    ILogger<OfferRequestIndexSweep> logger)
{
    public OfferRequestIndexSweepOptions Options => options.Value;

    public async Task<OfferRequestSweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = await relocations.ScanOfferRequestsAsync(cancellationToken);
        var doubtful = rows.Where(r => !r.Row.ListableAsStored(now)).Take(options.Value.BatchSize).ToArray();
        var (confirmed, removed) = (0, 0);
        foreach (var (state, row) in doubtful)
        {
            var relocation = await relocations.FindAsync(row.RelocationId, cancellationToken);
            switch (OfferRequestCheck.Of(relocation, state))
            {
                case (OfferRequestVerdict.Open, { } line) when OfferRequestCheck.Confirms(row, line):
                    await relocations.ConfirmOfferRequestAsync(state, row, cancellationToken);
                    confirmed++;
                    break;
                case (OfferRequestVerdict.Closed, _):
                    await relocations.ForgetOfferRequestAsync(state, row.RelocationId, cancellationToken);
                    removed++;
                    break;
            }
        }

        if (removed > 0)
        {
            LogRemoved(logger, removed, doubtful.Length);
        }

        return new OfferRequestSweepResult(rows.Count, doubtful.Length, confirmed, removed);
    }

    [LoggerMessage(EventId = 433, Level = LogLevel.Information, Message = "Offer-request index sweep: {Removed} of {Checked} doubtful rows removed (their case no longer asks the State)")]
    private static partial void LogRemoved(ILogger logger, int removed, int @checked);
}
