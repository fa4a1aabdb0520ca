using System.Net;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Api.Features.Notifications;
using Relocation.Api.Json;
using Relocation.Domain.Security;
using Relocation.Web.Components;
using Relocation.Web.Pages;

namespace Relocation.Web.Tests.Pages;

public sealed class InboxTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_Messages_SubjectBodyWhenAndUnreadMarkedInWords()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null, Item("m1", "OfferRequest", "/focal/offers", read: false), Item("m2", "Cancelled", "/inbox", read: true)));

        var page = ctx.Render<Inbox>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=message]").Count));
        Assert.Equal("api/inbox", ctx.Handler.Requests[0].Request.RequestUri!.PathAndQuery.TrimStart('/'));
        var (unread, read) = (page.FindAll("[data-test=message]")[0], page.FindAll("[data-test=message]")[1]);
        Assert.Equal("false", unread.GetAttribute("data-read"));
        Assert.Equal("Unread", unread.QuerySelector("[data-test=unread]")!.TextContent);
        Assert.Equal("Subject m1", unread.QuerySelector("[data-test=message-link]")!.TextContent);
        Assert.Equal("focal/offers", unread.QuerySelector("[data-test=message-link]")!.GetAttribute("href"));
        Assert.Contains("Body of m1", unread.QuerySelector("[data-test=message-body]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-30 11:00 UTC", unread.TextContent, StringComparison.Ordinal);
        Assert.Null(read.QuerySelector("[data-test=unread]"));
        Assert.Null(read.QuerySelector("[data-test=mark-read]"));
        // A message whose page is the inbox itself is not a link to where the reader already is.
        Assert.Null(read.QuerySelector("[data-test=message-link]"));
        Assert.Equal("Subject m2", read.QuerySelector("[data-test=message-subject]")!.TextContent);
    }

    [Fact]
    public void Render_French_WordsInFrench()
    {
        using var ctx = FocalPoint();
        ctx.Text.Use("fr");
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null, Item("m1", "OfferRequest", "/focal/offers", read: false)));

        var page = ctx.Render<Inbox>();

        page.WaitForAssertion(() => Assert.Equal("Non lu", page.Find("[data-test=unread]").TextContent));
        Assert.Equal("Messages", page.Find("h1").TextContent);
        Assert.StartsWith("Marquer comme lu", page.Find("[data-test=mark-read]").TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void UnreadOnly_Checked_AsksForUnreadMessagesFromTheFirstPage()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null));
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null));
        var page = ctx.Render<Inbox>();
        page.WaitForAssertion(() => page.Find("[data-test=no-messages]"));

        page.Find("[data-test=unread-only]").Change(true);

        page.WaitForAssertion(() => Assert.Equal(2, ctx.Handler.Requests.Count));
        Assert.Equal("?unread=true", ctx.Handler.Requests[1].Request.RequestUri!.Query);
        page.WaitForAssertion(() => Assert.Equal("No unread messages.", page.Find("[data-test=no-messages]").TextContent));
    }

    [Fact]
    public void NextThenPrevious_ApiGaveNextPage_AsksForThatPageThenTheFirstAgain()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Page("0123456789abcdef0123456789abcdef", Item("m1", "Cancelled", "/inbox", read: true)));
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null, Item("m2", "Cancelled", "/inbox", read: true)));
        ctx.Handler.Answer(HttpStatusCode.OK, Page("0123456789abcdef0123456789abcdef", Item("m1", "Cancelled", "/inbox", read: true)));
        var page = ctx.Render<Inbox>();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-test=inbox-previous]")));

        page.Find("[data-test=inbox-next]").Click();
        page.WaitForAssertion(() => Assert.Equal("Subject m2", page.Find("[data-test=message-subject]").TextContent));
        Assert.Empty(page.FindAll("[data-test=inbox-next]"));
        page.Find("[data-test=inbox-previous]").Click();

        page.WaitForAssertion(() => Assert.Equal("Subject m1", page.Find("[data-test=message-subject]").TextContent));
        Assert.Equal("?page=0123456789abcdef0123456789abcdef", ctx.Handler.Requests[1].Request.RequestUri!.Query);
        Assert.Equal("", ctx.Handler.Requests[2].Request.RequestUri!.Query);
        Assert.Empty(page.FindAll("[data-test=inbox-previous]"));
    }

    [Fact]
    public void MarkAsRead_Clicked_PostsWithAnIdempotencyKeyAndShowsItRead()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null, Item("m1", "Cancelled", "/inbox", read: false)));
        ctx.Handler.Answer(HttpStatusCode.OK, """{"id":"m1","read":true}""");
        var page = ctx.Render<Inbox>();
        page.WaitForAssertion(() => page.Find("[data-test=mark-read]"));

        page.Find("[data-test=mark-read]").Click();

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-test=message]").GetAttribute("data-read")));
        var (post, _) = ctx.Handler.Requests[1];
        Assert.Equal((HttpMethod.Post, "/api/inbox/m1/read"), (post.Method, post.RequestUri!.AbsolutePath));
        Assert.Single(post.Headers.GetValues("Idempotency-Key"), k => k.Length > 0);
        Assert.Empty(page.FindAll("[data-test=unread]"));
        Assert.Empty(page.FindAll("[data-test=mark-read]"));
    }

    // Messages stored before the console's routes carry the old API-like link: opening one still reaches its page.
    [Theory]
    [InlineData("OfferReceived", "/relocations/3f2a9c1e", "cases/3f2a9c1e")]
    [InlineData("OfferReceived", "/cases/3f2a9c1e", "cases/3f2a9c1e")]
    [InlineData("OfferRequest", "/inbox", "focal/offers")]
    [InlineData("CapacityStale", "/states/NOR/capacity", "focal/capacity")]
    [InlineData("ExtensionRequest", "/focal/placements/3f2a9c1e", "focal/placements/3f2a9c1e")]
    [InlineData("ProtectionEnded", "/relocations/3f2a9c1e", "focal/placements/3f2a9c1e")]
    public void Open_UnreadMessage_MarksItReadThenGoesToItsPage(string kind, string link, string expected)
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null, Item("m1", kind, link, read: false)));
        ctx.Handler.Answer(HttpStatusCode.OK, """{"id":"m1","read":true}""");
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        var page = ctx.Render<Inbox>();
        page.WaitForAssertion(() => page.Find("[data-test=message-link]"));

        page.Find("[data-test=message-link]").Click();

        page.WaitForAssertion(() => Assert.Equal("http://localhost/" + expected, navigation.Uri));
        Assert.Equal("/api/inbox/m1/read", ctx.Handler.Requests[1].Request.RequestUri!.AbsolutePath);
    }

    [Fact]
    public void NavLink_FullFirstPageWithMore_CountWithPlusAndWordsForScreenReaders()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Page("0123456789abcdef0123456789abcdef", [.. Enumerable.Range(1, 50).Select(i => Item($"m{i}", "Cancelled", "/inbox", read: false))]));

        var nav = ctx.Render<InboxNavLink>();

        nav.WaitForAssertion(() => Assert.Equal("50+", nav.Find("[data-test=unread-count] [aria-hidden=true]").TextContent));
        Assert.Equal(", 50+ unread", nav.Find("[data-test=unread-count] .visually-hidden").TextContent);
        Assert.Equal("?unread=true", Assert.Single(ctx.Handler.Requests).Request.RequestUri!.Query);
    }

    [Fact]
    public void NavLink_EachNavigation_AsksOnceMore()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null, Item("m1", "Cancelled", "/inbox", read: false), Item("m2", "Cancelled", "/inbox", read: false)));
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null, Item("m2", "Cancelled", "/inbox", read: false)));
        var nav = ctx.Render<InboxNavLink>();
        nav.WaitForAssertion(() => Assert.Equal("2", nav.Find("[data-test=unread-count] [aria-hidden=true]").TextContent));

        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("focal/offers");

        nav.WaitForAssertion(() => Assert.Equal("1", nav.Find("[data-test=unread-count] [aria-hidden=true]").TextContent));
        Assert.Equal(2, ctx.Handler.Requests.Count);
    }

    [Fact]
    public void NavLink_NoUnreadMessages_NoCount()
    {
        using var ctx = FocalPoint();
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null));

        var nav = ctx.Render<InboxNavLink>();

        nav.WaitForAssertion(() => Assert.Single(ctx.Handler.Requests));
        Assert.Equal("Inbox", nav.Find("[data-test=nav-inbox]").TextContent);
        Assert.Empty(nav.FindAll("[data-test=unread-count]"));
    }

    private static ConsoleTestContext FocalPoint()
    {
        var ctx = new ConsoleTestContext();
        ctx.Session.SignIn("token", Roles.StateFocalPoint, "NOR", "NOR");
        return ctx;
    }

    private static InboxItemDto Item(string id, string kind, string? link, bool read) =>
        new(id, kind, "Subject " + id, "Body of " + id + "\nsecond line\n", Now.AddHours(-1), read, link);

    // Serialized from the API's own answer type in its own JSON dialect: if the API's shape moves, these tests fail.
    private static string Page(string? nextPage, params InboxItemDto[] items) =>
        JsonSerializer.Serialize(new InboxPageDto(items, nextPage), ApiJson.Options);

    [Fact]
    public void NavLink_LanguageSwitched_EntryReadsInTheNewLanguage()
    {
        using var ctx = new ConsoleTestContext();
        var link = ctx.Render<InboxNavLink>();
        link.WaitForAssertion(() => Assert.StartsWith("Inbox", link.Find("[data-test=nav-inbox]").TextContent, StringComparison.Ordinal));

        ctx.Text.Use("fr");

        link.WaitForAssertion(() => Assert.StartsWith("Messages", link.Find("[data-test=nav-inbox]").TextContent, StringComparison.Ordinal));
    }
}
