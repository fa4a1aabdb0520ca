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
        new(Now.AddMinutes(-sequence), "sub-" + sequence, "Officer " + sequence, Roles.VwuOfficer, null, resource.Split(' ')[0], resource.Split(' ')[1], status, "corr-" + sequence, null, sequence);

    // Serialized from the API's own answer type in its own JSON dialect: if the API's shape moves, these tests fail.
    private static string Page(string? nextPage, params AuditEntryDto[] items) =>
        JsonSerializer.Serialize(new AuditPageDto(Now.AddDays(-30), Now, items, nextPage), ApiJson.Options);
}
