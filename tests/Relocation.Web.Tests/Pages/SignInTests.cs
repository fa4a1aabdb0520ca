using System.Net;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Web.Components;
using Relocation.Web.Pages;
using Relocation.Web.Services;

namespace Relocation.Web.Tests.Pages;

/// <summary>
/// A link from a mail opened in a fresh tab lands on a page whose calls answer 401: signing in from there goes back to
/// that page, never to a place outside the console.
/// </summary>
public sealed class SignInTests
{
    [Fact]
    public void SignIn_ReturnUrlOfThisConsole_GoesBackToThatPage()
    {
        using var ctx = new ConsoleTestContext();
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("signin?returnUrl=" + Uri.EscapeDataString("cases/R-1?tab=offers"));
        ctx.Handler.Answer(HttpStatusCode.OK, """{"token":"t","name":"VWU"}""");
        var page = ctx.Render<SignIn>();

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal("http://localhost/cases/R-1?tab=offers", navigation.Uri));
    }

    [Theory]
    [InlineData("https://elsewhere.test/cases/R-1")]
    [InlineData("//elsewhere.test/cases")]
    [InlineData("\\\\elsewhere.test")]
    [InlineData("/\\elsewhere.test")]
    [InlineData("javascript:alert(1)")]
    [InlineData("signin?returnUrl=signin")]
    public void SignIn_ReturnUrlOutsideTheConsole_GoesToTheRolesHome(string returnUrl)
    {
        using var ctx = new ConsoleTestContext();
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        ctx.Handler.Answer(HttpStatusCode.OK, """{"token":"t","name":"VWU"}""");
        var page = ctx.Render<SignIn>();

        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal("http://localhost/" + Home.PathFor(Domain.Security.Roles.VwuOfficer), navigation.Uri));
    }

    [Fact]
    public void ProblemBanner_SignedOut_LinksToSignInCarryingThisPage()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("cases/R-1");

        var banner = ctx.Render<ProblemBanner>(p => p.Add(b => b.Problem, new Problem(401, "Unauthorized.", null, null)));

        Assert.Equal("signin?returnUrl=cases%2FR-1", banner.Find("[data-test=problem-signin]").GetAttribute("href"));
    }

    [Fact]
    public void ProblemBanner_Conflict_NoSignInLink()
    {
        using var ctx = new ConsoleTestContext();

        var banner = ctx.Render<ProblemBanner>(p => p.Add(b => b.Problem, new Problem(409, "Conflict.", null, null)));

        Assert.Empty(banner.FindAll("[data-test=problem-signin]"));
    }

    [Theory]
    [InlineData("", "signin")]
    [InlineData("signin", "signin")]
    [InlineData("inbox", "signin?returnUrl=inbox")]
    public void Link_FromEachPage_CarriesItUnlessItIsHomeOrSignIn(string here, string expected)
    {
        using var ctx = new ConsoleTestContext();
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(here);

        Assert.Equal(expected, SignInReturn.Link(navigation, ctx.Services.GetRequiredService<ConsoleAuth>()));
    }
}
