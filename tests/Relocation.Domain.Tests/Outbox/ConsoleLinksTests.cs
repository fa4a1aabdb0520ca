using Relocation.Domain.Outbox;

namespace Relocation.Domain.Tests.Outbox;

public sealed class ConsoleLinksTests
{
    [Theory]
    [InlineData("CaseOfferReceived", "/cases/3f2a9c1e5b7d4e60", "/cases/3f2a9c1e5b7d4e60")]
    [InlineData("OfferRequest", "/focal/offers", "/focal/offers")]
    [InlineData("CapacityStale", "/focal/capacity", "/focal/capacity")]
    [InlineData("ReviewReminder", "/registry/agreements/a1b2", "/registry/agreements/a1b2")]
    [InlineData("FundReportReady", "/finance/reports", "/finance/reports")]
    [InlineData("FundRunwayLow", "/finance/balance", "/finance/balance")]
    [InlineData("Escalation", "/inbox", "/inbox")]
    [InlineData("ExtensionRequest", "/focal/placements/3f2a9c1e5b7d4e60", "/focal/placements/3f2a9c1e5b7d4e60")]
    [InlineData("ProtectionEnded", "/focal/placements/3f2a9c1e5b7d4e60", "/focal/placements/3f2a9c1e5b7d4e60")]
    public void Route_TodaysRoutes_Unchanged(string kind, string link, string expected) =>
        Assert.Equal(expected, ConsoleLinks.Route(kind, link));

    // Messages stored before the console had these pages keep their old links: they still lead to the right page.
    [Theory]
    [InlineData("OfferReceived", "/relocations/3f2a9c1e5b7d4e60", "/cases/3f2a9c1e5b7d4e60")]
    [InlineData("OfferRequest", "/inbox", "/focal/offers")]
    [InlineData("OfferRequestReminder", "/inbox", "/focal/offers")]
    [InlineData("Cancelled", "/inbox", "/inbox")]
    [InlineData("CapacityStaleSoon", "/states/NOR/capacity", "/focal/capacity")]
    [InlineData("ReviewReminder", "/agreements/a1b2", "/registry/agreements/a1b2")]
    [InlineData("FundReportReady", "/fund/reports/r-1", "/finance/reports")]
    [InlineData("FundRunwayLow", "/fund", "/finance/balance")]
    [InlineData("ExtensionRequest", "/relocations/3f2a9c1e5b7d4e60", "/focal/placements/3f2a9c1e5b7d4e60")]
    [InlineData("ProtectionEnded", "/cases/3f2a9c1e5b7d4e60", "/focal/placements/3f2a9c1e5b7d4e60")]
    public void Route_OldLinks_MappedToTheConsolesPage(string kind, string link, string expected) =>
        Assert.Equal(expected, ConsoleLinks.Route(kind, link));

    // A link is data: nothing in it sends the console to another site or to a page that does not exist.
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("https://evil.test/cases/1")]
    [InlineData("//evil.test/cases/1")]
    [InlineData("/\\evil.test")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/cases/1?next=https://evil.test")]
    [InlineData("/cases/..%2Fsignin")]
    [InlineData("/cases/a b")]
    [InlineData("/nowhere")]
    public void Route_ForeignOrUnknown_TheInbox(string? link) =>
        Assert.Equal("/inbox", ConsoleLinks.Route("OfferReceived", link));

    // Stored before the placement page: the link names no case, so the message cannot lead to its placement.
    [Theory]
    [InlineData("ExtensionRequest")]
    [InlineData("ProtectionEnded")]
    public void Route_PlacementKindLinkedToTheInbox_TheInbox(string kind) =>
        Assert.Equal("/inbox", ConsoleLinks.Route(kind, "/inbox"));

    [Theory]
    [InlineData("/focal/placements/a b")]
    [InlineData("/focal/placements/")]
    [InlineData("/focal/placements/1/2")]
    public void Route_PlacementWithoutAValidId_TheInbox(string link) =>
        Assert.Equal("/inbox", ConsoleLinks.Route("ExtensionRequest", link));

    [Fact]
    public void Placement_AnId_TheFocalPointsPlacementPage() =>
        Assert.Equal("/focal/placements/3f2a9c1e", ConsoleLinks.Placement("3f2a9c1e"));

    [Fact]
    public void Case_AnId_TheCasePage() =>
        Assert.Equal("/cases/3f2a9c1e", ConsoleLinks.Case("3f2a9c1e"));
}
