using System.Net;
using System.Text.Json;
using Bunit;
using Relocation.Api.Features.Audit;
using Relocation.Api.Json;
using Relocation.Domain.Security;
using Relocation.Web.Pages;

namespace Relocation.Web.Tests.Pages;

public sealed class AuditTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_ApiPageOfEntries_ListsEveryEntry()
    {
        using var ctx = Auditor();
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null, Entry(1, "GET api/relocations", 200), Entry(2, "POST api/fund/pledges", 403)));

        var page = ctx.Render<Audit>();

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page)));
        Assert.Contains("api/fund/pledges", page.Find("[data-test=audit]").TextContent, StringComparison.Ordinal);
        Assert.Contains("2", page.Find("[data-test=audit-count]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_ApiGaveNextPage_AsksForThatPageAndListsIt()
    {
        using var ctx = Auditor();
        ctx.Handler.Answer(HttpStatusCode.OK, Page("token+2", Entry(1, "GET api/relocations", 200)));
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null, Entry(2, "GET api/states", 200), Entry(3, "GET api/inbox", 200)));
        var page = ctx.Render<Audit>();
        page.WaitForAssertion(() => Assert.Equal(1, Rows(page)));

        page.Find("[data-test=audit-next]").Click();

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page)));
        Assert.EndsWith("page=token%2B2", ctx.Handler.Requests[1].Request.RequestUri!.Query, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-test=audit-next]"));
        Assert.Equal("Previous page", page.Find("[data-test=audit-previous]").TextContent.Trim());
    }

    [Fact]
    public void Search_WhoCaseAndWhat_AskedOfTheApiAndEveryEntryOfItsPageListed()
    {
        using var ctx = Auditor();
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null));
        ctx.Handler.Answer(HttpStatusCode.OK, Page("later", Entry(1, "GET api/relocations/case-7/case-file", 200), Entry(2, "GET api/relocations/case-7/case-file", 403)));
        var page = ctx.Render<Audit>();

        page.Find("#au-actor").Change("vwu-1");
        page.Find("#au-subject").Change("case-7");
        page.Find("#au-what").Change("GetCaseFile");
        page.Find("form").Submit();

        // The entries' action is "GET": a filter applied to the page shown would have hidden both.
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page)));
        var query = ctx.Handler.Requests[1].Request.RequestUri!.Query;
        Assert.Contains("actor=vwu-1", query, StringComparison.Ordinal);
        Assert.Contains("subject=case-7", query, StringComparison.Ordinal);
        Assert.Contains("action=GetCaseFile", query, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("[data-test=audit-next]"));
    }

    [Fact]
    public void Previous_AfterNext_AsksForTheFirstPageAgain()
    {
        using var ctx = Auditor();
        ctx.Handler.Answer(HttpStatusCode.OK, Page("p2", Entry(1, "GET api/relocations", 200)));
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null, Entry(2, "GET api/states", 200)));
        ctx.Handler.Answer(HttpStatusCode.OK, Page("p2", Entry(1, "GET api/relocations", 200)));
        var page = ctx.Render<Audit>();
        page.WaitForAssertion(() => Assert.Equal(1, Rows(page)));
        page.Find("[data-test=audit-next]").Click();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-test=audit-previous]")));

        page.Find("[data-test=audit-previous]").Click();

        page.WaitForAssertion(() => Assert.Equal(3, ctx.Handler.Requests.Count));
        Assert.DoesNotContain("page=", ctx.Handler.Requests[2].Request.RequestUri!.Query, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-test=audit-previous]")));
        Assert.NotEmpty(page.FindAll("[data-test=audit-next]"));
    }

    // QuickGrid may pad a page with empty rows: only rows with text are entries.
    private static int Rows(IRenderedComponent<Audit> page) =>
        page.FindAll("[data-test=audit] tbody tr").Count(r => r.TextContent.Trim().Length > 0);

    private static ConsoleTestContext Auditor()
    {
        var ctx = new ConsoleTestContext();
        ctx.Session.SignIn("token", Roles.Auditor, null, "Auditor");
        return ctx;
    }

    private static AuditEntryDto Entry(long sequence, string resource, int status) =>
        new(Now.AddMinutes(-sequence), "sub-" + sequence, "Officer " + sequence, Roles.VwuOfficer, null, resource.Split(' ')[0], resource.Split(' ')[1], status, "corr-" + sequence, null, sequence, null);

    // Serialized from the API's own answer type in its own JSON dialect: if the API's shape moves, these tests fail.
    private static string Page(string? nextPage, params AuditEntryDto[] items) =>
        JsonSerializer.Serialize(new AuditPageDto(Now.AddDays(-30), Now, items, nextPage), ApiJson.Options);
}
