using System.Globalization;
using Microsoft.Playwright;
using Relocation.Domain.Security;

namespace Relocation.Browser.Tests;

/// <summary>
/// The protection run-through of issue 11 in a real Chromium, in English and in French: VWU raises an Emergency request,
/// Norway's focal point offers from its inbox, VWU accepts and records arrival, finance sees the commitment; the focal
/// point never sees a protected detail and no tab keeps one in storage, the address, the title or the console.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ProtectionRunThroughTests(ConsoleFixture fixture)
{
    public static TheoryData<string, string, string[]> Languages => new()
    {
        { "en", "4101", ["Caseload", "New request", "Offer requests", "Fund balance"] },
        { "fr", "4102", ["Dossiers", "Nouvelle demande", "Demandes d'offre", "Solde du Fonds"] },
    };

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task EmergencyRequest_OfferAcceptArrive_FocalPointNeverSeesProtectedDetails(string language, string number, string[] headings)
    {
        var pseudonym = $"W-{number}";
        string[] secrets = [$"Amina Secretname {number}", $"Bunia hidden street {number}", $"+243 555 {number}"];

        // 1. VWU signs in and raises an Emergency request.
        var vwu = await ConsolePage.SignInAsync(fixture, Roles.VwuOfficer, null, language, "vwu");
        await vwu.HeadingAsync(headings[0]);
        await vwu.CheckAsync("caseload");
        await vwu.GoAsync("new");
        await vwu.HeadingAsync(headings[1]);
        await vwu.CheckAsync("new-request");
        var page = vwu.Page;
        await page.FillAsync("#caseReference", $"ICC-01/04-01/{number}");
        await page.FillAsync("#pseudonym", pseudonym);
        await page.SelectOptionAsync("#priority", "Emergency");
        await page.SelectOptionAsync("#kind", "TemporaryRelocation");
        await page.FillAsync("#adults", "1");
        await page.FillAsync("#children", "0");
        await page.FillAsync("#languages", "en");
        await page.FillAsync("#fullName", secrets[0]);
        await page.FillAsync("#dateOfBirth", "1987-04-12");
        await page.FillAsync("#currentLocation", secrets[1]);
        await page.FillAsync("#contact", secrets[2]);
        // Regulation 96(3): without consent an Emergency request goes out but its acceptance is refused.
        await page.CheckAsync("#consentGiven");
        await page.FillAsync("#consentBy", "VWU officer");
        await page.FillAsync("#consentScope", "Relocation and transfer of the case file");
        await page.Locator("[data-test=submit-request]").DblClickAsync();
        await page.WaitForURLAsync("**/cases/*");
        var caseId = page.Url.Split('/').Last();
        await Assertions.Expect(page.Locator("[data-test=case-status]")).ToHaveAttributeAsync("data-status", "AwaitingOffers", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-test=candidate][data-state=NOR]")).ToBeVisibleAsync();
        await vwu.CheckAsync("case");

        // The case file opens only with a reason, and leaves nothing behind when closed.
        await page.Locator("[data-test=open-file]").ClickAsync();
        await Assertions.Expect(page.Locator("#accessReason-error")).ToBeVisibleAsync();
        await page.FillAsync("#accessReason", "Planning the transfer with the field office");
        await page.Locator("[data-test=open-file]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=case-file]")).ToContainTextAsync(secrets[0]);
        await page.Locator("[data-test=close-file]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=case-file]")).ToHaveCountAsync(0);

        // 2. Norway's focal point signs in, sees the request in its inbox, and offers.
        var nor = await ConsolePage.SignInAsync(fixture, Roles.StateFocalPoint, "NOR", language, "nor");
        await nor.HeadingAsync(headings[2]);
        var request = nor.Page.Locator($"[data-test=offer-request][data-pseudonym={pseudonym}]");
        await request.WaitForAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(request.Locator("[data-test=countdown]")).ToBeVisibleAsync();
        await nor.CheckAsync("offer-inbox");
        await request.Locator("[data-test=places]").FillAsync("1");
        await request.Locator("[data-test=cost]").FillAsync("2500");
        await request.Locator("[data-test=offer]").ClickAsync();
        await Assertions.Expect(nor.Page.Locator("[data-test=notice]")).ToContainTextAsync(pseudonym);
        await AssertNoSecretAsync(nor, secrets);

        // 3. VWU accepts the offer (the commitment is shown), then records arrival.
        var accept = page.Locator("[data-test=offer][data-state=NOR] [data-test=accept]");
        await accept.WaitForAsync(new() { Timeout = 30_000 });
        await accept.ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=notice]")).ToContainTextAsync("NOR", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-test=case-status]")).ToHaveAttributeAsync("data-status", "OfferAccepted");
        await Assertions.Expect(page.Locator("[data-test=accepted]")).ToContainTextAsync(language == "fr" ? "coût engagé" : "cost committed");
        await vwu.CheckAsync("case-accepted");
        await page.Locator("[data-test=arrive]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-test=case-status]")).ToHaveAttributeAsync("data-status", "Relocated", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-test=arrived]")).ToContainTextAsync(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        // 4. Finance sees the commitment in the balance.
        var finance = await ConsolePage.SignInAsync(fixture, Roles.FinanceOfficer, null, language, "finance");
        await finance.HeadingAsync(headings[3]);
        var committed = finance.Page.Locator("[data-test=committed]");
        await committed.WaitForAsync();
        Assert.True(ParseEur(await committed.TextContentAsync()) >= 2500m, await committed.TextContentAsync());
        await Assertions.Expect(finance.Page.Locator("[data-test=balance-chart] polyline")).ToHaveCountAsync(4, new() { Timeout = 30_000 });
        await finance.CheckAsync("balance");

        // 5. The focal point never saw a protected detail; no tab keeps one anywhere the browser stores things.
        await nor.GoAsync("offers");
        await AssertNoSecretAsync(nor, secrets);
        foreach (var tab in new[] { vwu, nor, finance })
        {
            var state = await tab.BrowserStateAsync();
            Assert.All(secrets, s => Assert.DoesNotContain(s, state, StringComparison.Ordinal));
            Assert.All(secrets, s => Assert.DoesNotContain(tab.ConsoleMessages, m => m.Contains(s, StringComparison.Ordinal)));
            Assert.DoesNotContain("token", state, StringComparison.OrdinalIgnoreCase);
        }

        // One case for the double click on submit: the form sent one Idempotency-Key.
        using var list = await fixture.SendAsync(HttpMethod.Get, "relocations?priority=Emergency", Relocation.Testing.TestTokens.For(Roles.VwuOfficer));
        var lines = (await Relocation.Testing.LocalHostFixture.JsonAsync(list)).GetProperty("items").EnumerateArray().Where(i => i.GetProperty("pseudonym").GetString() == pseudonym).ToArray();
        Assert.Equal(caseId, Assert.Single(lines).GetProperty("id").GetString());
        await vwu.CloseAsync();
        await nor.CloseAsync();
        await finance.CloseAsync();
    }

    private static async Task AssertNoSecretAsync(ConsolePage tab, string[] secrets)
    {
        var html = await tab.Page.ContentAsync();
        Assert.All(secrets, s => Assert.DoesNotContain(s, html, StringComparison.Ordinal));
    }

    private static decimal ParseEur(string? text) =>
        decimal.Parse((text ?? "0").Replace("EUR", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
}
