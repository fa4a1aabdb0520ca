using Microsoft.Azure.Functions.Worker;
using Relocation.Domain.Common;

namespace Relocation.Functions.Http;

/// <summary>
/// Daily: the fund's day rows and the cases' statistics lines of every year two or more years back sealed into blobs
/// (nothing to do on most runs; a run that died part-way is finished by the next). An archive that throws does not keep
/// the others from running; the invocation then fails, naming each failed archive and its exception's type.
/// </summary>
public sealed class YearSealFunction(IEnumerable<IYearArchive> archives)
{
    public const string Name = "SealYears";

    [Function(Name)]
    public async Task Run([TimerTrigger("0 50 3 * * *")] TimerInfo timer, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pass = await YearArchives.SealEachAsync(archives, context.CancellationToken);
        if (pass.Failed)
        {
            throw new YearSealFailedException(pass.Failures);
        }
    }
}
