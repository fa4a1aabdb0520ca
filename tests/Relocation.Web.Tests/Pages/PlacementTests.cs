using System.Net;
using System.Text.Json;
using Bunit;
using Relocation.Api.Features.Notifications;
using Relocation.Api.Features.Relocations;
using Relocation.Api.Json;
using Relocation.Domain.Relocations;
using Relocation.Domain.Security;
using Relocation.Web.Pages;

namespace Relocation.Web.Tests.Pages;

public sealed class PlacementTests
{
    private const string Id = "3f2a9c1e5b7d4e60";
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_InboxHasMessagesAboutThisAndOtherCases_ShowsOnlyThisCasesMessages()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Inbox(
            Item("m1", "ExtensionRequest", $"/focal/placements/{Id}"),
            Item("m2", "ExtensionRequest", "/focal/placements/another"),
            Item("m3", "OfferRequest", "/focal/offers")));

        var page = Render(ctx);

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-test=placement-message]")));
        Assert.Equal("Subject m1", page.Find("[data-test=placement-message] h3").TextContent);
        // A subject is one level below the heading of its section, as the inbox's are below the page's.
        Assert.Equal(HeadingLevel(page.Find("[data-test=placement-messages]").ParentElement!) + 1, HeadingLevel(page.Find("[data-test=placement-message]")));
        Assert.Equal(Id, page.Find("[data-test=placement-id]").TextContent);
        Assert.Equal("/api/inbox", ctx.Handler.Requests[0].Request.RequestUri!.AbsolutePath);
    }

    [Theory]
    [InlineData("extension-confirm", "Confirm")]
    [InlineData("extension-refuse", "Refuse")]
    public void AnswerExtension_Clicked_PostsTheDecisionWithTheSessionsStateAndAKey(string button, string decision)
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Inbox());
        ctx.Handler.Answer(HttpStatusCode.OK, Json(new ExtensionAnswerDto(Id, "NOR", Enum.Parse<ExtensionDecision>(decision), new DateOnly(2027, 6, 1))));
        var page = Render(ctx);
        page.WaitForAssertion(() => page.Find("[data-test=no-placement-messages]"));

        page.Find($"[data-test={button}]").Click();

        page.WaitForAssertion(() => page.Find("[data-test=extension-notice]"));
        var (post, body) = ctx.Handler.Requests[1];
        Assert.Equal((HttpMethod.Post, $"/api/relocations/{Id}/extension"), (post.Method, post.RequestUri!.AbsolutePath));
        Assert.Single(post.Headers.GetValues("Idempotency-Key"), k => k.Length > 0);
        using var sent = JsonDocument.Parse(body!);
        Assert.Equal("NOR", sent.RootElement.GetProperty("stateCode").GetString());
        Assert.Equal(decision, sent.RootElement.GetProperty("decision").GetString());
        Assert.Equal(
            decision == "Confirm" ? "Extension confirmed: protection in your State now ends on 2027-06-01." : "Extension refused; the Court is told.",
            page.Find("[data-test=extension-notice]").TextContent);
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict, 409, "No extension is pending for this relocation.")]
    [InlineData(HttpStatusCode.Forbidden, 403, "NOR is not the receiving State of this relocation.")]
    public void AnswerExtension_ApiRefuses_ShowsTheProblem(HttpStatusCode status, int code, string detail)
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Inbox());
        ctx.Handler.Answer(status, $$"""{"status":{{code}},"title":"Refused.","detail":"{{detail}}"}""", "application/problem+json");
        var page = Render(ctx);
        page.WaitForAssertion(() => page.Find("[data-test=no-placement-messages]"));

        page.Find("[data-test=extension-confirm]").Click();

        page.WaitForAssertion(() => Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), page.Find("[data-test=problem]").GetAttribute("data-status")));
        Assert.Contains(detail, page.Find("[data-test=problem]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-test=extension-notice]"));
    }

    [Fact]
    public void Withdraw_NoReason_ShowsTheFieldErrorAndSendsNothing()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Inbox());
        var page = Render(ctx);
        page.WaitForAssertion(() => page.Find("[data-test=no-placement-messages]"));
        page.Find("[data-test=withdraw-on]").Change("");

        page.Find("form").Submit();

        Assert.Equal("State the reason for the withdrawal.", page.Find("#withdrawReason-error").TextContent);
        Assert.Equal("Give the date the withdrawal takes effect.", page.Find("#withdrawOn-error").TextContent);
        Assert.Empty(page.FindAll("[data-test=withdraw-confirmation]"));
        Assert.Single(ctx.Handler.Requests);
    }

    [Fact]
    public void Withdraw_ReasonAndDateThenConfirmed_PostsOnceAndShowsTheReRelocation()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Inbox());
        ctx.Handler.Answer(HttpStatusCode.Accepted, Json(new LinkedRelocationDto(Id, "re-7", "/api/relocations/re-7")));
        var page = Render(ctx);
        page.WaitForAssertion(() => page.Find("[data-test=no-placement-messages]"));
        page.Find("[data-test=withdraw-reason]").Change("  Security situation changed  ");
        page.Find("[data-test=withdraw-on]").Change("2026-12-15");

        page.Find("form").Submit();

        // Asked once more before anything is sent.
        Assert.Contains("Withdraw from 3f2a9c1e5b7d4e60, effective 2026-12-15?", page.Find("[data-test=withdraw-confirmation]").TextContent, StringComparison.Ordinal);
        Assert.Single(ctx.Handler.Requests);
        page.Find("[data-test=withdraw-confirm]").Click();

        page.WaitForAssertion(() => Assert.Equal("re-7", page.Find("[data-test=withdrawal-notice]").GetAttribute("data-re-relocation")));
        var (post, body) = Assert.Single(ctx.Handler.Requests, r => r.Request.Method == HttpMethod.Post);
        Assert.Equal($"/api/relocations/{Id}/withdrawal", post.RequestUri!.AbsolutePath);
        Assert.Single(post.Headers.GetValues("Idempotency-Key"), k => k.Length > 0);
        using var sent = JsonDocument.Parse(body!);
        Assert.Equal(("NOR", "Security situation changed", "2026-12-15"),
            (sent.RootElement.GetProperty("stateCode").GetString(), sent.RootElement.GetProperty("reason").GetString(), sent.RootElement.GetProperty("effectiveOn").GetString()));
        Assert.Contains("re-7", page.Find("[data-test=withdrawal-notice]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Withdraw_GoBackAtTheConfirmation_SendsNothing()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Inbox());
        var page = Render(ctx);
        page.WaitForAssertion(() => page.Find("[data-test=no-placement-messages]"));
        page.Find("[data-test=withdraw-reason]").Change("Security situation changed");
        page.Find("form").Submit();

        page.Find("[data-test=withdraw-back]").Click();

        Assert.Empty(page.FindAll("[data-test=withdraw-confirmation]"));
        page.Find("[data-test=withdraw]");
        Assert.Single(ctx.Handler.Requests);
    }

    [Fact]
    public void Withdraw_ApiNamesAField_ShowsItNextToItsInput()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Inbox());
        ctx.Handler.Answer(HttpStatusCode.BadRequest, """{"status":400,"title":"Invalid.","errors":{"effectiveOn":["'effectiveOn' must be a date within a year of today."]}}""", "application/problem+json");
        var page = Render(ctx);
        page.WaitForAssertion(() => page.Find("[data-test=no-placement-messages]"));
        page.Find("[data-test=withdraw-reason]").Change("Security situation changed");
        page.Find("[data-test=withdraw-on]").Change("2029-01-01");
        page.Find("form").Submit();

        page.Find("[data-test=withdraw-confirm]").Click();

        page.WaitForAssertion(() => Assert.Equal("'effectiveOn' must be a date within a year of today.", page.Find("#withdrawOn-error").TextContent));
        Assert.Empty(page.FindAll("[data-test=withdrawal-notice]"));
        // Shown next to its input, so not listed again in the banner.
        Assert.Empty(page.FindAll("[data-test=problem-fields]"));
    }

    [Fact]
    public void Withdraw_ApiConflict_ShowsTheReason()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Inbox());
        ctx.Handler.Answer(HttpStatusCode.Conflict, """{"status":409,"title":"Conflict.","detail":"The relocation is Ended: there is no placement to withdraw from."}""", "application/problem+json");
        var page = Render(ctx);
        page.WaitForAssertion(() => page.Find("[data-test=no-placement-messages]"));
        page.Find("[data-test=withdraw-reason]").Change("Security situation changed");
        page.Find("form").Submit();

        page.Find("[data-test=withdraw-confirm]").Click();

        page.WaitForAssertion(() => Assert.Contains("there is no placement to withdraw from", page.Find("[data-test=problem]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void Render_NotAFocalPoint_NoActionsAndNoRequest()
    {
        using var ctx = new ConsoleTestContext();

        var page = Render(ctx);

        page.Find("[data-test=focal-point-only]");
        Assert.Empty(page.FindAll("[data-test=extension-confirm]"));
        Assert.Empty(ctx.Handler.Requests);
    }

    [Fact]
    public void Render_French_WordsInFrench()
    {
        using var ctx = FocalPoint();
        ctx.Text.Use("fr");
        ctx.Handler.Answer(HttpStatusCode.OK, Inbox());

        var page = Render(ctx);

        page.WaitForAssertion(() => Assert.Equal("Confirmer la prolongation", page.Find("[data-test=extension-confirm]").TextContent));
        Assert.Equal("Se retirer…", page.Find("[data-test=withdraw]").TextContent);
    }

    private static ConsoleTestContext FocalPoint()
    {
        var ctx = new ConsoleTestContext();
        ctx.Session.SignIn("token", Roles.StateFocalPoint, "NOR", "NOR");
        return ctx;
    }

    /// <summary>The level of the element's own heading: its first h1-h6 child.</summary>
    private static int HeadingLevel(AngleSharp.Dom.IElement element) =>
        element.Children.Select(c => c.LocalName).First(n => n.Length == 2 && n[0] == 'h' && char.IsAsciiDigit(n[1]))[1] - '0';

    private static IRenderedComponent<Placement> Render(ConsoleTestContext ctx) => ctx.Render<Placement>(p => p.Add(c => c.Id, Id));

    private static InboxItemDto Item(string id, string kind, string? link) =>
        new(id, kind, "Subject " + id, "Body of " + id + "\n", Now.AddHours(-1), false, link);

    // Serialized from the API's own answer types in its own JSON dialect: if the API's shape moves, these tests fail.
    private static string Inbox(params InboxItemDto[] items) => Json(new InboxPageDto(items, null));

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ApiJson.Options);
}
