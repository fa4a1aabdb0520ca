using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.Browser.Tests;

/// <summary>
/// A State answers an extension from the console: a real case is placed in Norway, VWU's review asks to extend it, and
/// Norway's focal point opens the message in its inbox, lands on the placement page and confirms; the answer is shown
/// and no protected detail ever is.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class PlacementTests(ConsoleFixture fixture)
{
    private static readonly string Vwu = TestTokens.For(Roles.VwuOfficer);
    private static readonly string Nor = TestTokens.For(Roles.StateFocalPoint, "NOR");

    [Fact]
    public async Task ExtensionRequest_FocalPointOpensItsMessageAndConfirms_TheNewEndIsShown()
    {
        const string pseudonym = "W-4301";
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var newEnd = today.AddMonths(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var caseId = await PlacedInNorwayAsync(pseudonym, today);
        await OkAsync(HttpMethod.Post, $"relocations/{caseId}/reviews", Vwu, new { outcome = "Extend", reviewedOn = today, newEndDate = newEnd, note = "Threat persists" });
        await MessageAsync(Nor, pseudonym, "ExtensionRequest");

        var nor = await ConsolePage.SignInAsync(fixture, Roles.StateFocalPoint, "NOR", "en", "nor-placement");
        await nor.GoAsync("inbox");
        var message = nor.Page.Locator("[data-test=message][data-kind=ExtensionRequest]").Filter(new() { HasText = pseudonym });
        var inboxSubject = await FontSizeAsync(message.Locator("h2"));
        await message.Locator("[data-test=message-link]").ClickAsync();
        await Assertions.Expect(nor.Page).ToHaveURLAsync(new Regex($"/focal/placements/{caseId}$"));
        await nor.HeadingAsync("Placement in your State");
        await Assertions.Expect(nor.Page.Locator("[data-test=placement-message][data-kind=ExtensionRequest]")).ToContainTextAsync(newEnd);
        await nor.CheckAsync("placement");
        // A subject is drawn as the inbox draws it, well below its section's heading: Fluent's own h3 (28px) was
        // almost its h2 (32px).
        var subject = await FontSizeAsync(nor.Page.Locator("[data-test=placement-message] h3").First);
        var section = await FontSizeAsync(nor.Page.Locator("section:has([data-test=placement-messages]) > h2"));
        Assert.Equal(inboxSubject, subject);
        Assert.True(subject < section * 0.75, $"subject {subject}px, its section's heading {section}px");

        await nor.Page.Locator("[data-test=extension-confirm]").ClickAsync();

        await Assertions.Expect(nor.Page.Locator("[data-test=extension-notice]")).ToContainTextAsync($"now ends on {newEnd}");
        await nor.CheckAsync("placement-confirmed");
        Assert.DoesNotContain("Secretname", await nor.Page.ContentAsync(), StringComparison.Ordinal);

        // Asked again with no extension pending: the API's 409 is shown.
        await nor.Page.Locator("[data-test=extension-refuse]").ClickAsync();
        await Assertions.Expect(nor.Page.Locator("[data-test=problem][data-status='409']")).ToBeVisibleAsync();
        await nor.CloseAsync();
    }

    private static Task<double> FontSizeAsync(ILocator element) => element.EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).fontSize)");

    /// <summary>A consented Emergency request, offered by Norway, accepted by VWU, arrived today.</summary>
    private async Task<string> PlacedInNorwayAsync(string pseudonym, DateOnly today)
    {
        var created = await OkAsync(HttpMethod.Post, "relocations", Vwu, new
        {
            caseReference = "ICC-01/04-01/4301", pseudonym, kind = "TemporaryRelocation", priority = "Emergency",
            consent = new { givenOn = today, recordedBy = "VWU officer", scope = "Relocation and transfer of the case file" },
            household = new { adults = 1, children = 0 }, needs = new { languages = new[] { "en" }, medicalCare = false },
            protectedPerson = new { fullName = "Placement Secretname 4301", dateOfBirth = "1990-01-01", currentLocation = "Hidden 4301", contact = "+243 4301" },
        });
        var caseId = created.GetProperty("id").GetString()!;
        await MessageAsync(Nor, pseudonym, "OfferRequest");
        await OkAsync(HttpMethod.Post, $"relocations/{caseId}/responses", Nor, new { stateCode = "NOR", decision = "Offer", places = 1, estimatedCost = new { value = 2500, currency = "EUR" } });
        await StatusAsync(caseId, "AwaitingOffers", () => OkAsync(HttpMethod.Post, $"relocations/{caseId}/acceptance", Vwu, new { stateCode = "NOR" }));
        await StatusAsync(caseId, "OfferAccepted", () => Task.CompletedTask);
        await OkAsync(HttpMethod.Post, $"relocations/{caseId}/arrival", Vwu, new { arrivedOn = today });
        await StatusAsync(caseId, "Relocated", () => Task.CompletedTask);
        return caseId;
    }

    private async Task<System.Text.Json.JsonElement> OkAsync(HttpMethod method, string path, string token, object body)
    {
        using var answer = await fixture.SendAsync(method, path, token, body, Guid.NewGuid().ToString("N"));
        Assert.True(answer.IsSuccessStatusCode, await fixture.DescribeAsync(answer));
        return await LocalHostFixture.JsonAsync(answer);
    }

    /// <summary>Waits until the case has <paramref name="status"/> (workflows move it in the background), then acts.</summary>
    private async Task StatusAsync(string caseId, string status, Func<Task> then)
    {
        for (var i = 0; i < 120; i++)
        {
            using var read = await fixture.SendAsync(HttpMethod.Get, $"relocations/{caseId}", Vwu);
            if ((await LocalHostFixture.JsonAsync(read)).GetProperty("status").GetString() == status)
            {
                await then();
                return;
            }

            await Task.Delay(500);
        }

        Assert.Fail($"{caseId} never became {status}");
    }

    private Task MessageAsync(string token, string pseudonym, string kind) => InboxTests.MessageAsync(fixture, token, pseudonym, kind);
}
