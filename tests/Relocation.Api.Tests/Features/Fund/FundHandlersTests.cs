using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Relocation.Api.Features.Fund;
using Relocation.Api.Pipeline;
using Relocation.Api.Routing;
using Relocation.Api.Security;
using Relocation.Domain.Audit;
using Relocation.Domain.Capacities;
using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;
using Relocation.Domain.Security;
using Relocation.Domain.States;
using Relocation.Storage.Idempotency;
using Relocation.Testing.Fakes;
using Relocation.Testing.Fund;

namespace Relocation.Api.Tests.Features.Fund;

/// <summary>
/// <c>POST fund/commitments</c> through the pipeline when the case is cancelled, and its commitments released, between
/// the handler's check and its post: the caller is refused as when the check itself refuses, and nothing stays committed.
/// </summary>
public sealed class FundHandlersTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);
    private static readonly Caller Finance = new("finance-1", "Finance", [Roles.FinanceOfficer], null);

    private readonly InMemoryFundLedger _book = new();
    private readonly InterleavedFundLedger _ledger;
    private readonly FundService _fund;
    private readonly InMemoryRelocationRepository _relocations = new();
    private readonly InMemoryCommitmentIntents _intents = new();
    private readonly ServiceProvider _services;

    public FundHandlersTests()
    {
        _ledger = new InterleavedFundLedger(_book);
        _fund = new FundService(_book, TimeProvider.System);
        _services = new ServiceCollection()
            .AddSingleton<IFundLedger>(_ledger).AddSingleton<IFundService>(_fund).AddSingleton<IRelocationRepository>(_relocations)
            .AddSingleton<ICommitmentIntents>(_intents).AddSingleton<CaseCommitments>()
            .AddSingleton<IStateRepository>(new InMemoryStateRepository()).AddSingleton(Mock.Of<IFundRegister>())
            .AddSingleton(Options.Create(new FundOptions())).AddSingleton(TimeProvider.System).AddSingleton<FundHandlers>()
            .BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Commit_CaseCancelledAndReleasedAfterTheCheck_409CaseClosedToCommitmentsAndNothingCommitted()
    {
        await _book.PostAsync(FundCommands.Receipt(new ReceiptCommand("NOR", null, new MoneyFields(1000m, "EUR"), 1000m, null, Today, null), Today), "seed", CancellationToken.None);
        var id = await OpenCaseAsync();
        _ledger.BeforeCommitment = async () =>
        {
            var relocation = (await _relocations.FindAsync(id, CancellationToken.None))!;
            relocation.Cancel("Threat assessment changed", Now);
            await _relocations.UpdateAsync(relocation, CancellationToken.None);
            await _fund.ReleaseAllForRelocationAsync(id, CaseRelease.Cancellation, CancellationToken.None);
        };

        var (status, body) = await CommitAsync(id);
        var (again, againBody) = await CommitAsync(id);

        Assert.Equal((409, 409), (status, again));
        Assert.Equal("CaseClosedToCommitments", body.GetProperty("code").GetString());
        Assert.Equal("Cancelled", body.GetProperty("args").GetProperty("status").GetString());
        Assert.Equal("CaseClosedToCommitments", againBody.GetProperty("code").GetString());
        var balance = await _book.BalanceAsync(null, CancellationToken.None);
        Assert.Equal((0L, 3L), (balance.Committed, balance.Sequence));
        Assert.Empty(_intents.Intents);
    }

    private async Task<string> OpenCaseAsync()
    {
        var relocation = RelocationCase.Submit(Guid.NewGuid().ToString("N"), new RelocationFacts("ICC-01/04-01/06", "W-0440", RelocationKind.TemporaryRelocation,
            RelocationPriority.Urgent, new Household(1, 0), new Needs(["en"], false)), Now, "Vwu.Officer");
        await _relocations.AddAsync(relocation, CancellationToken.None);
        return relocation.Id;
    }

    private async Task<(int Status, JsonElement Body)> CommitAsync(string relocationId)
    {
        var tokens = new Mock<ITokenValidator>();
        tokens.Setup(t => t.ValidateAsync(It.IsAny<string?>(), It.IsAny<CancellationToken>())).ReturnsAsync(Finance);
        var idempotency = new Mock<IIdempotencyStore>();
        idempotency.Setup(s => s.ClaimAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new IdempotencyClaim(IdempotencyOutcome.Claimed));
        var pipeline = new ApiPipeline(new ApiRouteTable([new FundRoutes()]), tokens.Object, idempotency.Object, Mock.Of<IAuditLog>(),
            new WriteRateLimiter(Options.Create(new RateLimitOptions()), TimeProvider.System), TimeProvider.System, NullLogger<ApiPipeline>.Instance,
            Options.Create(new ApiDiagnosticsOptions()));
        var http = new DefaultHttpContext { RequestServices = _services };
        http.Request.Method = "POST";
        http.Request.Path = "/api/fund/commitments";
        http.Request.Headers.Authorization = "Bearer x";
        http.Request.Headers["Idempotency-Key"] = "commit-1";
        http.Request.ContentType = "application/json";
        var body = JsonSerializer.Serialize(new { relocationId, eurValue = 250m, date = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        http.Response.Body = new MemoryStream();

        await pipeline.RunAsync(http, "PostFundCommitment");

        http.Response.Body.Position = 0;
        using var answer = await JsonDocument.ParseAsync(http.Response.Body);
        return (http.Response.StatusCode, answer.RootElement.Clone());
    }
}
