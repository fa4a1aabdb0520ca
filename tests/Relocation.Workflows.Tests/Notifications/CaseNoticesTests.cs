using Relocation.Domain.Capacities;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Workflows.Notifications;

namespace Relocation.Workflows.Tests.Notifications;

/// <summary>Every case message leads to a page of the console its recipient can open (the console's routes, not the API's).</summary>
public sealed class CaseNoticesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static (RelocationCase Case, RoundRecord Round) Asked()
    {
        var c = RelocationCase.Submit("3f2a9c1e5b7d4e60a1b2c3d4e5f60718", new RelocationFacts("ICC-01/04-01/06", "W-0441", RelocationKind.TemporaryRelocation,
            RelocationPriority.Urgent, new Household(1, 1), new Needs(["en"], false)), Now, "Vwu.Officer", DateOnly.FromDateTime(Now.UtcDateTime));
        var round = c.StartRound(1, [new AskedState("NOR", "cap1", false, 2)], Now, Now.AddHours(72));
        return (c, round);
    }

    [Fact]
    public void OfferRequestAndReminder_ToAFocalPoint_LinkToItsOfferRequests()
    {
        var (c, round) = Asked();

        var request = CaseNotices.OfferRequest(c, round, "NOR", Now);
        var reminder = CaseNotices.OfferRequestReminder(c, round, "NOR", 50, Now);

        Assert.Equal("/focal/offers", request.Link);
        Assert.Equal("/focal/offers", reminder.Link);
    }

    [Fact]
    public void OfferReceived_ToVwu_LinksToTheCasePage()
    {
        var (c, _) = Asked();
        var offer = c.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Offer, 2, DateOnly.FromDateTime(Now.UtcDateTime), null, null), Now);

        var message = CaseNotices.OfferReceived(c, offer, Now);

        Assert.Equal($"/cases/{c.Id}", message.Link);
        Assert.Equal(Recipients.Vwu, message.Recipient);
    }

    [Fact]
    public void Messages_ThatCannotOpenTheCase_LinkToTheInbox()
    {
        var (c, _) = Asked();

        var told = CaseNotices.ToAskedState(c, "Cancelled", "NOR", Now);
        var registry = CaseNotices.Overdue(c, Recipients.Registry, Now);
        var vwu = CaseNotices.Overdue(c, Recipients.Vwu, Now);

        Assert.Equal(("/inbox", "/inbox", $"/cases/{c.Id}"), (told.Link, registry.Link, vwu.Link));
    }

    [Fact]
    public void Protection_ToTheReceivingStatesFocalPoints_LinksToTheirPlacementPage()
    {
        var (c, _) = Asked();

        var extension = CaseNotices.Protection(c, "extension-20270601", "ExtensionRequest", Recipients.FocalPoints("NOR"), "s", "b", Now);
        var ended = CaseNotices.Protection(c, "protection-ended", "ProtectionEnded", Recipients.FocalPoints("NOR"), "s", "b", Now);
        var registry = CaseNotices.Protection(c, "k", "ReviewOverdue", Recipients.Registry, "s", "b", Now);

        Assert.Equal(($"/focal/placements/{c.Id}", $"/focal/placements/{c.Id}", "/inbox"), (extension.Link, ended.Link, registry.Link));
    }

    [Fact]
    public void EveryCaseMessage_LinksToAConsoleRouteAsItIs()
    {
        var (c, round) = Asked();
        var offer = c.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Offer, 2, null, null, null), Now);
        OutboxMessage[] all =
        [
            CaseNotices.OfferRequest(c, round, "NOR", Now), CaseNotices.OfferRequestReminder(c, round, "NOR", 90, Now),
            CaseNotices.ToAskedState(c, "Placed", "NOR", Now), CaseNotices.OfferReceived(c, offer, Now),
            CaseNotices.RoundClosingWithoutOffer(c, round, Now), CaseNotices.Escalation(c, Now),
            CaseNotices.PlacementReminder(c, 50, Now.AddDays(10), Now), CaseNotices.Overdue(c, Recipients.Vwu, Now),
            CaseNotices.Protection(c, "k", "ReviewOverdue", Recipients.FocalPoints("NOR"), "s", "b", Now),
            CaseNotices.Protection(c, "k", "ExtensionRequest", Recipients.FocalPoints("NOR"), "s", "b", Now),
            CaseNotices.Protection(c, "k", "ReviewOverdue", Recipients.Registry, "s", "b", Now),
        ];

        // A route the console maps to something else would be an old or unknown link.
        Assert.All(all, m => Assert.Equal(m.Link, ConsoleLinks.Route(m.Kind, m.Link)));
    }
}
