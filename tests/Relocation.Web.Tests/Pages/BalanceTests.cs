using System.Net;
using System.Text.Json;
using Bunit;
using Relocation.Api.Features.Fund;
using Relocation.Api.Json;
using Relocation.Domain.Security;
using Relocation.Web.Pages;

namespace Relocation.Web.Tests.Pages;

public sealed class BalanceTests
{
    [Fact]
    public void Render_DonorThatIsNotAState_ShowsItsDonorId()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Session.SignIn("token", Roles.FinanceOfficer, null, "Finance");
        // Serialized from the API's own answer type, built the way its handler builds it: a State donor and a non-State one.
        var balance = new BalanceDto(null, 7, 150m, 0m, 150m, 50m, 0m,
            [
                new DonorDto("NOR", 100m, 100m, 0m) { DonorId = "NOR" },
                new DonorDto(null, 100m, 50m, 50m) { DonorId = "GATES" },
            ],
            [],
            []);
        ctx.Handler.Answer(HttpStatusCode.OK, JsonSerializer.Serialize(balance, ApiJson.Options));

        var page = ctx.Render<Balance>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-test=donor]").Count));
        Assert.Equal(["NOR", "GATES"], page.FindAll("[data-test=donor] td:first-child").Select(c => c.TextContent.Trim()));
    }
}
