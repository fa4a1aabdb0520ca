using System.Net;
using System.Text.Json;
using Bunit;
using Relocation.Api.Json;
using Relocation.Domain.Security;
using Relocation.Web.Pages;

namespace Relocation.Web.Tests.Pages;

public sealed class CaseloadTests
{
    private static string Page(string? nextPage, string id) => JsonSerializer.Serialize(new
    {
        items = new[] { new { id, pseudonym = "W-" + id, kind = "WitnessRelocation", priority = "Urgent", status = "AwaitingOffers", round = 1 } },
        nextPage,
    }, ApiJson.Options);

    [Fact]
    public void Next_ThenPrevious_AsksForEachPageByItsTokenAndBackToTheFirst()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Session.SignIn("token", Roles.VwuOfficer, null, "Officer");
        ctx.Handler.Answer(HttpStatusCode.OK, Page("t2", "c1"));
        ctx.Handler.Answer(HttpStatusCode.OK, Page(null, "c2"));
        ctx.Handler.Answer(HttpStatusCode.OK, Page("t2", "c1"));
        var page = ctx.Render<Caseload>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-test=caseload-next]")));

        page.Find("[data-test=caseload-next]").Click();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-test=caseload-previous]")));
        Assert.Empty(page.FindAll("[data-test=caseload-next]"));
        page.Find("[data-test=caseload-previous]").Click();

        page.WaitForAssertion(() => Assert.Equal(3, ctx.Handler.Requests.Count));
        Assert.EndsWith("page=t2", ctx.Handler.Requests[1].Request.RequestUri!.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("page=", ctx.Handler.Requests[2].Request.RequestUri!.Query, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-test=caseload-previous]")));
    }
}
