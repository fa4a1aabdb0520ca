namespace Relocation.Domain.Common;

/// <summary>
/// One pass of the year job over every <see cref="IYearArchive"/>. The archives are independent (the fund's days, the
/// cases' statistics lines): one that throws must not leave the others unsealed until the next pass, so each runs and
/// the failures are handed back for the caller to log and to fail the pass with.
/// </summary>
public static class YearArchives
{
    public static async Task<YearSealPass> SealEachAsync(IEnumerable<IYearArchive> archives, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archives);
        var sealedYears = 0;
        var failures = new List<YearArchiveFailure>();
        foreach (var archive in archives)
        {
            try
            {
                sealedYears += await archive.SealClosedYearsAsync(cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Reported back: the caller logs it by type and fails the pass once the other archives have run.
                failures.Add(new YearArchiveFailure(archive.GetType().Name, ex));
            }
        }

        return new YearSealPass(sealedYears, failures);
    }
}

/// <summary>What one pass did: the years sealed by the archives that ran through, and each archive that threw.</summary>
public sealed record YearSealPass(int SealedYears, IReadOnlyList<YearArchiveFailure> Failures)
{
    public bool Failed => Failures.Count > 0;
}

/// <summary>An archive that threw during a pass; <paramref name="Archive"/> is its type's name (no data).</summary>
public sealed record YearArchiveFailure(string Archive, Exception Error);

/// <summary>
/// A year pass in which at least one archive threw (the others ran). The message names each archive and its exception's
/// type only: the exceptions' own messages may carry data, and the caller has logged each failure.
/// </summary>
public sealed class YearSealFailedException : Exception
{
    public YearSealFailedException(IReadOnlyList<YearArchiveFailure> failures)
        : base(Describe(failures))
    {
    }

    public YearSealFailedException()
    {
    }

    public YearSealFailedException(string message)
        : base(message)
    {
    }

    public YearSealFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    private static string Describe(IReadOnlyList<YearArchiveFailure> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        return $"Year archives failed: {string.Join(", ", failures.Select(f => $"{f.Archive} ({f.Error.GetType().Name})"))}";
    }
}
