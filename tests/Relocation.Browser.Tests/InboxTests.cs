using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.Browser.Tests;

/// <summary>
/// Messages lead somewhere: a real request sends Norway's focal point an offer request and VWU the offer received; each
/// opens the console's inbox (unread count in the header), clicks the message and lands on the page where it acts.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class InboxTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Inbox_RealRequestAndOffer_FocalPointAndVwuOpenTheirMessageOnItsPage()
    {
        const string pseudonym = "W-4201";
        var norToken = TestTokens.For(Roles.StateFocalPoint, "NOR");
        using var created = await fixture.SendAsync(HttpMethod.Post, "relocations", TestTokens.For(Roles.VwuOfficer), new
        {
            caseReference = "ICC-01/04-01/4201", pseudonym, kind = "TemporaryRelocation", priority = "Emergency",
            consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = "VWU officer", scope = "Relocation and transfer of the case file" },
            household = new { adults = 1, children = 0 }, needs = new { languages = new[] { "en" }, medicalCare = false },
            protectedPerson = new { fullName = "Inbox Secretname 4201", dateOfBirth = "1990-01-01", currentLocation = "Hidden 4201", contact = "+243 4201" },
        }, Guid.NewGuid().ToString("N"));
        var caseId = (await LocalHostFixture.JsonAsync(created)).GetProperty("id").GetString()!;
        await MessageAsync(norToken, pseudonym);

        // 1. The focal point: the header counts unread messages; the inbox shows the offer request; it opens the offer requests.
        var nor = await ConsolePage.SignInAsync(fixture, Roles.StateFocalPoint, "NOR", "en", "nor-inbox");
        await Assertions.Expect(nor.Page.Locator("[data-test=nav-inbox] [data-test=unread-count]")).ToBeVisibleAsync();
        await nor.GoAsync("inbox");
        await nor.HeadingAsync("Inbox");
        var message = nor.Page.Locator("[data-test=message][data-kind=OfferRequest]").Filter(new() { HasText = pseudonym });
        await Assertions.Expect(message).ToHaveAttributeAsync("data-read", "false");
        await Assertions.Expect(message.Locator("[data-test=unread]")).ToHaveTextAsync("Unread");
        await nor.CheckAsync("inbox");
        await NoAxeViolationAsync(nor.Page);
        await message.Locator("[data-test=message-link]").ClickAsync();
        await Assertions.Expect(nor.Page).ToHaveURLAsync(new Regex("/focal/offers$"));
        await nor.HeadingAsync("Offer requests");
        await nor.Page.Locator($"[data-test=offer-request][data-pseudonym={pseudonym}]").WaitForAsync();
        await nor.GoAsync("inbox");
        await Assertions.Expect(message).ToHaveAttributeAsync("data-read", "true");
        Assert.DoesNotContain("Secretname", await nor.Page.ContentAsync(), StringComparison.Ordinal);
        await nor.CloseAsync();

        // 2. Norway offers; VWU opens the offer received and lands on the case page.
        using var offered = await fixture.SendAsync(HttpMethod.Post, $"relocations/{caseId}/responses", norToken,
            new { stateCode = "NOR", decision = "Offer", places = 1 }, Guid.NewGuid().ToString("N"));
        Assert.True(offered.IsSuccessStatusCode, await fixture.DescribeAsync(offered));
        await MessageAsync(TestTokens.For(Roles.VwuOfficer), pseudonym, "OfferReceived");
        var vwu = await ConsolePage.SignInAsync(fixture, Roles.VwuOfficer, null, "en", "vwu-inbox");
        await vwu.GoAsync("inbox");
        var received = vwu.Page.Locator("[data-test=message][data-kind=OfferReceived]").Filter(new() { HasText = pseudonym });
        await Assertions.Expect(received).ToHaveAttributeAsync("data-read", "false");
        await vwu.CheckAsync("inbox");
        await received.Locator("[data-test=message-link]").ClickAsync();
        await Assertions.Expect(vwu.Page).ToHaveURLAsync(new Regex($"/cases/{caseId}$"));
        await Assertions.Expect(vwu.Page.Locator("[data-test=case-pseudonym]")).ToHaveTextAsync(pseudonym);
        await vwu.CloseAsync();
    }

    /// <summary>axe on the inbox: no violation at all, not only no serious one.</summary>
    private static async Task NoAxeViolationAsync(IPage page)
    {
        var axe = await page.RunAxe();
        Assert.True(axe.Violations.Length == 0, string.Join("; ", axe.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}")));
    }

    private Task MessageAsync(string token, string pseudonym, string kind = "OfferRequest") => MessageAsync(fixture, token, pseudonym, kind);

    /// <summary>Waits until the workflow has written the message (the round opens in the background).</summary>
    internal static async Task MessageAsync(ConsoleFixture fixture, string token, string pseudonym, string kind)
    {
        for (var i = 0; i < 120; i++)
        {
            using var inbox = await fixture.SendAsync(HttpMethod.Get, "inbox?unread=true", token);
            var items = (await LocalHostFixture.JsonAsync(inbox)).GetProperty("items").EnumerateArray();
            if (items.Any(m => m.GetProperty("kind").GetString() == kind && m.GetProperty("subject").GetString()!.Contains(pseudonym, StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"no {kind} message about {pseudonym}");
    }
}
