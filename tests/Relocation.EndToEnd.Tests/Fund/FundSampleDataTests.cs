using System.Net;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Fund;

/// <summary><c>--seed-sample</c> fills the fund with its illustrative pledges and receipts, once.</summary>
public sealed class FundSampleDataTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private LocalHostProcess _host = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _host = new LocalHostProcess(_azurite.ConnectionString, extraArguments: ["--seed-sample"]);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task SeedSample_Twice_FundHoldsTheSampleReceiptsOnce()
    {
        await _host.KillAsync();
        await _host.StartAsync();

        using var request = LocalHostProcess.Request(HttpMethod.Get, "fund/balance", TestTokens.For(Roles.FinanceOfficer), null, null);
        using var response = await _host.Http.SendAsync(request);
        var balance = await LocalHostFixture.JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(295_750.59m, balance.GetProperty("cash").GetDecimal());
        Assert.Equal(171_600m, balance.GetProperty("pledgedOutstanding").GetDecimal());
        Assert.Equal(7, balance.GetProperty("sequence").GetInt64());
        Assert.Contains(balance.GetProperty("byEarmark").EnumerateArray(), e => e.TryGetProperty("earmark", out var earmark) && earmark.GetString() == "WitnessRelocation");
    }
}
