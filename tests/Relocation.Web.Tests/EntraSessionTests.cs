using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;
using Relocation.Domain.Security;
using Relocation.Web.Components;
using Relocation.Web.Layout;
using Relocation.Web.Pages;
using Relocation.Web.Services;

namespace Relocation.Web.Tests;

/// <summary>
/// Entra ID mode: the console's session is read from the user the authentication library signed in, and follows it.
/// </summary>
public sealed class EntraSessionTests
{
    [Fact]
    public void Layout_VwuOfficerFromJsonArrayClaim_ShowsVwuEntriesAndInbox()
    {
        using var ctx = Entra(User(new Claim("roles", """["Vwu.Officer","Auditor"]"""), new Claim("name", "Ada Officer")));

        var layout = ctx.Render<MainLayout>();

        layout.WaitForAssertion(() => layout.Find("[data-test=nav-cases]"));
        layout.Find("[data-test=nav-new]");
        layout.Find("[data-test=nav-inbox]");
        layout.Find("[data-test=nav-audit]");
        Assert.Empty(layout.FindAll("[data-test=nav-offers]"));
        Assert.Equal("Ada Officer", layout.Find("[data-test=who]").TextContent);
        Assert.Empty(layout.FindAll("[data-test=nav-signin]"));
    }

    [Fact]
    public void Layout_FocalPoint_ItsStateCodeReachesTheFocalPage()
    {
        using var ctx = Entra(User(new Claim("roles", Roles.StateFocalPoint), new Claim("state", "NOR"), new Claim("preferred_username", "focal@nor.example")));

        var layout = ctx.Render<MainLayout>(p => p.Add(l => l.Body, b =>
        {
            b.OpenComponent<OfferInbox>(0);
            b.CloseComponent();
        }));

        layout.WaitForAssertion(() => Assert.Contains(ctx.Handler.Requests, r => r.Request.RequestUri!.AbsolutePath == "/api/states/NOR/offer-requests"));
        Assert.DoesNotContain(ctx.Handler.Requests, r => r.Request.RequestUri!.AbsolutePath == "/api/states//offer-requests");
        Assert.Equal("NOR", ctx.Session.StateCode);
        Assert.Equal("focal@nor.example", layout.Find("[data-test=who]").TextContent);
        layout.Find("[data-test=nav-offers]");
    }

    [Fact]
    public void Layout_SignedOut_SignInLinkGoesToLoginAndBackToThisPage()
    {
        using var ctx = Entra(new ClaimsPrincipal(new ClaimsIdentity()));
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("cases/R-1?tab=offers");

        var layout = ctx.Render<MainLayout>();

        layout.WaitForAssertion(() => Assert.Equal(
            "authentication/login?returnUrl=" + Uri.EscapeDataString("http://localhost/cases/R-1?tab=offers"),
            layout.Find("[data-test=nav-signin]").GetAttribute("href")));
        Assert.Empty(layout.FindAll("[data-test=nav-inbox]"));
        Assert.False(ctx.Session.SignedIn);
    }

    [Fact]
    public void Layout_LibrarySignsTheUserOut_SessionCleared()
    {
        var user = new FakeUser(User(new Claim("roles", Roles.VwuOfficer), new Claim("name", "Ada Officer")));
        using var ctx = Entra(user);
        var layout = ctx.Render<MainLayout>();
        layout.WaitForAssertion(() => layout.Find("[data-test=nav-cases]"));

        user.Set(new ClaimsPrincipal(new ClaimsIdentity()));

        layout.WaitForAssertion(() => Assert.Empty(layout.FindAll("[data-test=nav-cases]")));
        Assert.False(ctx.Session.SignedIn);
        Assert.Empty(ctx.Session.Roles);
        Assert.Null(ctx.Session.Name);
        Assert.Empty(layout.FindAll("[data-test=who]"));
        layout.Find("[data-test=nav-signin]");
    }

    [Fact]
    public void SignOut_Clicked_GoesToTheLibrarysLogout()
    {
        using var ctx = Entra(User(new Claim("roles", Roles.VwuOfficer), new Claim("name", "Ada Officer")));
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        var layout = ctx.Render<MainLayout>();
        layout.WaitForAssertion(() => layout.Find("[data-test=signout]"));

        layout.Find("[data-test=signout]").Click();

        Assert.Equal("http://localhost/authentication/logout", navigation.Uri);
    }

    [Fact]
    public void Layout_UserNotYetKnown_PageWaits()
    {
        var pending = new TaskCompletionSource<AuthenticationState>();
        using var ctx = Entra(new FakeUser(pending.Task));

        var layout = ctx.Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddMarkupContent(0, "<p data-test=page>page</p>")));

        layout.Find("[data-test=signing-in]");
        Assert.Empty(layout.FindAll("[data-test=page]"));
        pending.SetResult(new AuthenticationState(User(new Claim("roles", Roles.VwuOfficer))));
        layout.WaitForAssertion(() => layout.Find("[data-test=page]"));
    }

    [Theory]
    [InlineData("""["State.FocalPoint","Vwu.Officer"]""", null, "Vwu.Officer,State.FocalPoint")]
    [InlineData("Vwu.Officer", "Auditor", "Vwu.Officer,Auditor")]
    [InlineData("""["Somebody.Else"]""", "not json [", "")]
    [InlineData("[not json", null, "")]
    public void RolesOf_ClaimsOrJsonArray_KnownRolesInTheContractsOrder(string first, string? second, string expected)
    {
        var claims = new List<Claim> { new("roles", first) };
        if (second is not null)
        {
            claims.Add(new("roles", second));
        }

        Assert.Equal(expected, string.Join(',', EntraSession.RolesOf(User([.. claims]))));
    }

    [Fact]
    public void ProblemBanner_Unauthorized_LinksToLoginCarryingThisPage()
    {
        using var ctx = Entra(new ClaimsPrincipal(new ClaimsIdentity()));
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("inbox");

        var banner = ctx.Render<ProblemBanner>(p => p.Add(b => b.Problem, new Problem(401, "Unauthorized.", null, null)));

        Assert.Equal("authentication/login?returnUrl=" + Uri.EscapeDataString("http://localhost/inbox"), banner.Find("[data-test=problem-signin]").GetAttribute("href"));
    }

    [Theory]
    [InlineData("", "authentication/login")]
    [InlineData("authentication/logout-callback", "authentication/login")]
    [InlineData("focal/offers", "authentication/login?returnUrl=http%3A%2F%2Flocalhost%2Ffocal%2Foffers")]
    public void Link_FromEachPage_CarriesItUnlessHomeOrAnAuthenticationPage(string here, string expected)
    {
        using var ctx = Entra(new ClaimsPrincipal(new ClaimsIdentity()));
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(here);

        Assert.Equal(expected, SignInReturn.Link(navigation, ctx.Services.GetRequiredService<ConsoleAuth>()));
    }

    private static ClaimsPrincipal User(params Claim[] claims) => new(new ClaimsIdentity(claims, "oidc"));

    private static ConsoleTestContext Entra(ClaimsPrincipal user) => Entra(new FakeUser(user));

    private static ConsoleTestContext Entra(FakeUser user)
    {
        var ctx = new ConsoleTestContext();
        ctx.Session.SignOut();
        ctx.Services.AddSingleton(new ConsoleAuth("EntraId", "api://relocation/.default"));
        ctx.Services.AddSingleton<AuthenticationStateProvider>(user);
        ctx.Services.AddScoped<EntraSession>();
        ctx.Services.AddFluentUIComponents();
        return ctx;
    }

    /// <summary>The authentication library's user, set by the test; each change is reported as the library reports it.</summary>
    private sealed class FakeUser(Task<AuthenticationState> state) : AuthenticationStateProvider
    {
        private Task<AuthenticationState> _state = state;

        public FakeUser(ClaimsPrincipal user)
            : this(Task.FromResult(new AuthenticationState(user)))
        {
        }

        public override Task<AuthenticationState> GetAuthenticationStateAsync() => _state;

        public void Set(ClaimsPrincipal user)
        {
            _state = Task.FromResult(new AuthenticationState(user));
            NotifyAuthenticationStateChanged(_state);
        }
    }
}
