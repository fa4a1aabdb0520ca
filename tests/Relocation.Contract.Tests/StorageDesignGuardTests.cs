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

    [Fact]
    public void Violations_WholeLogOrMessageTableFromARequest_AreNoLongerKnownDebts()
    {
        // Paid off (issue 19): the audit verification reads the background walk's checkpoint and the outbox reads its
        // per-status index, so a request that scans either table again is a violation, not a known debt.
        TableRead[] reads =
        [
            new(TableReadKind.Scan, "Audit", null, null, false, "request"),
            new(TableReadKind.Scan, "Notifications", null, null, false, "request"),
            new(TableReadKind.Partition, "NotificationsByStatus", "Sent", 501, false, "request"),
            new(TableReadKind.Partition, "NotificationsByStatus", "Sent", null, false, "request"),
        ];

        Assert.Equal(["Partition of NotificationsByStatus partition 'Sent'", "Scan of Audit", "Scan of Notifications"], StorageDesignGuard.Violations(reads));
    }
}
