using Relocation.Storage.Tables;

namespace Relocation.Contract.Tests;

/// <summary>The guard's rule on its own: what it lets through and what it reports.</summary>
public sealed class StorageDesignGuardTests
{
    [Fact]
    public void Violations_ScanOrUnnamedPartitionFromARequest_AreReported()
    {
        TableRead[] reads =
        [
            new(TableReadKind.Scan, "Capacity", null, null, false, "request"),
            new(TableReadKind.Partition, "Relocations", "abc", null, false, "request"),
            new(TableReadKind.Partition, "Audit", "202611", null, false, "request"),
        ];

        Assert.Equal(["Partition of Audit partition '202611'", "Partition of Relocations partition 'abc'", "Scan of Capacity"], StorageDesignGuard.Violations(reads));
    }

    [Fact]
    public void Violations_PointBoundedPageAndBackgroundReads_AreAllowed()
    {
        TableRead[] reads =
        [
            new(TableReadKind.Point, "Relocations", "abc", 1, false, "request"),
            new(TableReadKind.Partition, "OfferRequests", "NOR", null, false, "request"),
            new(TableReadKind.Partition, "Audit", "202611", 21, false, "request"),
            new(TableReadKind.Scan, "Capacity", null, null, false, "background:capacity-stale-reminders"),
        ];

        Assert.Empty(StorageDesignGuard.Violations(reads));
    }
}
