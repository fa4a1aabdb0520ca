using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Storage;
using Relocation.Storage.Tables;

namespace Relocation.Infra.Tests;

/// <summary>
/// The blob containers that hold what the app seals out of its tables (and the audit anchors), as the storage code names
/// them: every container <see cref="StorageServiceCollectionExtensions.AddRelocationStorage"/> registers (the app creates
/// each at start) whose name ends in <c>-sealed</c> or <c>-anchors</c>. Read from the registrations, not listed here, so a
/// new sealed archive without an immutability policy in infra/main.bicep fails the template test.
/// </summary>
internal static class SealedArchives
{
    /// <summary>
    /// Sealed containers that cannot take a time-based retention policy, each with why and what would allow one.
    /// Shrink this list, never grow it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Mutable = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["fund-sealed"] = "days/{yyyy}.json is rewritten (If-Match) by a posting back-dated into a sealed year; a policy would "
            + "refuse that write (409) and the ledger retries it forever. Wants the years in a container of their own "
            + "(slots/, donors/ and documents/ are create-only), or version-level WORM (account-wide blob versioning, "
            + "which would keep deleted case files as versions).",
    };

    public static IReadOnlyList<string> Containers()
    {
        // Registration only: nothing is resolved, so no account or connection is needed.
        var services = new ServiceCollection().AddRelocationStorage(new ConfigurationBuilder().Build());
        return services
            .Select(d => d.ImplementationInstance)
            .OfType<StorageResource>()
            .Where(r => r.Kind == StorageResourceKind.BlobContainer
                && (r.Name.EndsWith("-sealed", StringComparison.Ordinal) || r.Name.EndsWith("-anchors", StringComparison.Ordinal)))
            .Select(r => r.Name)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
