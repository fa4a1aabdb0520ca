using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;

namespace Relocation.Domain.Tests.Fund;

/// <summary>Which ending's key releases a commitment refused because its case closed (the race is tested on Azurite).</summary>
public sealed class CaseCommitmentsTests
{
    [Theory]
    [InlineData(RelocationStatus.Cancelled, CaseRelease.Cancellation)]
    [InlineData(RelocationStatus.Withdrawn, CaseRelease.Withdrawal)]
    [InlineData(RelocationStatus.Ended, CaseRelease.ReviewEnd)]
    public void EndingOf_ClosedStatus_TheKeyItsEndingReleasesUnder(RelocationStatus status, CaseRelease ending) =>
        Assert.Equal(ending, CaseCommitments.EndingOf(status));

    [Fact]
    public void EndingOf_EveryOtherStatus_NoneSoTheCaseTakesCommitments()
    {
        RelocationStatus[] closed = [RelocationStatus.Cancelled, RelocationStatus.Withdrawn, RelocationStatus.Ended];
        foreach (var status in Enum.GetValues<RelocationStatus>().Except(closed))
        {
            Assert.Null(CaseCommitments.EndingOf(status));
        }
    }
}
