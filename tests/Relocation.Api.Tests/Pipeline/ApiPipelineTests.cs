using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;
using Relocation.Api.Pipeline;
using Relocation.Api.Routing;
using Relocation.Api.Security;
using Relocation.Domain.Audit;
using Relocation.Domain.Common;
using Relocation.Domain.Security;
using Relocation.Storage.Idempotency;

namespace Relocation.Api.Tests.Pipeline;

public sealed class ApiPipelineTests
{
    private static readonly Caller Admin = new("admin-1", "Admin", [Roles.RegistryAdmin], null);
    private readonly Mock<ITokenValidator> _tokens = new();
    private readonly Mock<IIdempotencyStore> _idempotency = new();
    private readonly Mock<IAuditLog> _audit = new();

    private sealed class TestRoutes(Func<ApiRequest, Task<ApiResult>> handler) : IApiRoutes
    {
        public IEnumerable<ApiRoute> Routes =>
        [
            new("Write", Relocation.Api.Routing.HttpMethods.Post, "things/{id}", [Roles.RegistryAdmin], (_, r) => handler(r), "test"),
            new("Create", Relocation.Api.Routing.HttpMethods.Post, "things", [Roles.RegistryAdmin], (_, r) => handler(r), "test") { Creates = true },
            new("Read", Relocation.Api.Routing.HttpMethods.Get, "things/{id}", [Roles.RegistryAdmin], (_, r) => handler(r), "test"),
            new("Secret", Relocation.Api.Routing.HttpMethods.Get, "secrets/{id}", [Roles.RegistryAdmin], (_, r) => handler(r), "test") { AuditEveryRead = true },
            new("Beside", Relocation.Api.Routing.HttpMethods.Post, "beside", [Roles.RegistryAdmin], (_, r) => handler(r), "test") { Creates = true, ClaimsBesideHandler = true },
            new("Json", Relocation.Api.Routing.HttpMethods.Post, "json", [Roles.RegistryAdmin], (_, r) => handler(r), "test") { RequestType = typeof(JsonThing) },
        ];
    }

    private ApiPipeline Pipeline(Func<ApiRequest, Task<ApiResult>> handler, RateLimitOptions? limits = null, ApiDiagnosticsOptions? diagnostics = null)
    {
        _tokens.Setup(t => t.ValidateAsync(It.IsAny<string?>(), It.IsAny<CancellationToken>())).ReturnsAsync(Admin);
        _idempotency.Setup(s => s.ClaimAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new IdempotencyClaim(IdempotencyOutcome.Claimed));
        return new ApiPipeline(new ApiRouteTable([new TestRoutes(handler)]), _tokens.Object, _idempotency.Object, _audit.Object,
            new WriteRateLimiter(Options.Create(limits ?? new RateLimitOptions()), TimeProvider.System), TimeProvider.System, NullLogger<ApiPipeline>.Instance,
            Options.Create(diagnostics ?? new ApiDiagnosticsOptions()));
    }

    private sealed record JsonThing(string? Name);

    [Fact]
    public async Task RunAsync_SuccessfulCreate_AuditEntryIsAboutTheCreatedIdFromTheLocation()
    {
        // The path names no id (POST /api/relocations): the entry is about what the answer created, so subject= finds it.
        var pipeline = Pipeline(_ => Task.FromResult(ApiResult.Accepted(new { id = "case-7" }, "/api/things/case-7")));
        var http = Context(path: "/api/things");

        await pipeline.RunAsync(http, "Create");

        Assert.Equal(202, http.Response.StatusCode);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.About == "case-7"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_RefusedCreate_AuditEntryIsAboutNothing()
    {
        var pipeline = Pipeline(_ => throw new DomainValidationException("name", "bad"));
        var http = Context(path: "/api/things");

        await pipeline.RunAsync(http, "Create");

        Assert.Equal(400, http.Response.StatusCode);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.About == null && e.Status == 400), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task RunAsync_JsonRouteWithAnotherContentType_Is415NamingItAndRunsNothing(string contentType)
    {
        var (http, ran) = await PostJsonRouteAsync(contentType);

        Assert.False(ran);
        Assert.Equal(415, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        var problem = System.Text.Json.JsonDocument.Parse(http.Response.Body).RootElement;
        Assert.Contains(contentType.Split(';')[0], problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("/api/json", problem.GetProperty("instance").GetString());
        _idempotency.Verify(s => s.ClaimAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/merge-patch+json; charset=utf-8")]
    public async Task RunAsync_JsonRouteWithJsonOrNoContentType_RunsTheHandler(string? contentType)
    {
        var (http, ran) = await PostJsonRouteAsync(contentType);

        Assert.True(ran);
        Assert.Equal(204, http.Response.StatusCode);
    }

    /// <summary>A JSON body to the route that reads one, sent as <paramref name="contentType"/>; whether its handler ran.</summary>
    private async Task<(DefaultHttpContext Http, bool Ran)> PostJsonRouteAsync(string? contentType)
    {
        var ran = false;
        var pipeline = Pipeline(_ =>
        {
            ran = true;
            return Task.FromResult(ApiResult.NoContent());
        });
        var http = Context("{\"name\":\"x\"}", path: "/api/json");
        http.Request.ContentType = contentType;
        await pipeline.RunAsync(http, "Json");
        return (http, ran);
    }

    private static DefaultHttpContext Context(string body = "{}", string? key = "k-1", string method = "POST", string path = "/api/things/1")
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        http.Request.Method = method;
        http.Request.Path = path;
        http.Request.Headers.Authorization = "Bearer x";
        if (key is not null)
        {
            http.Request.Headers["Idempotency-Key"] = key;
        }

        http.Request.Body = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body));
        http.Response.Body = new MemoryStream();
        return http;
    }

    [Fact]
    public async Task RunAsync_SuccessfulWrite_CompletesKeyAndAudits()
    {
        var pipeline = Pipeline(_ => Task.FromResult(ApiResult.Created(new { id = "1" }, "/api/things/1")));
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        Assert.Equal(201, http.Response.StatusCode);
        _idempotency.Verify(s => s.CompleteAsync("admin-1", "k-1", It.Is<StoredResponse>(r => r.Status == 201), It.IsAny<CancellationToken>()), Times.Once);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Action == "Write" && e.Subject == "admin-1" && e.Status == 201), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_ServerTimingOff_SendsNoTimingHeader()
    {
        var pipeline = Pipeline(_ => Task.FromResult(ApiResult.Created(new { id = "1" }, "/api/things/1")));
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        Assert.False(http.Response.Headers.ContainsKey("Server-Timing"));
    }

    [Fact]
    public async Task RunAsync_ServerTimingOn_NamesEveryStepOfAWrite()
    {
        var pipeline = Pipeline(_ => Task.FromResult(ApiResult.Created(new { id = "1" }, "/api/things/1")), diagnostics: new ApiDiagnosticsOptions { ServerTiming = true });
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        var names = http.Response.Headers["Server-Timing"].ToString().Split(',', StringSplitOptions.TrimEntries).Select(m => m.Split(';')[0]);
        Assert.Equal(["claim", "handler", "complete", "audit", "total"], names);
    }

    [Fact]
    public async Task RunAsync_ServerTimingOnAndHandlerMarksParts_NamesEachPartAfterTheHandler()
    {
        var pipeline = Pipeline(async r =>
        {
            r.Mark("read");
            await r.Timed("write", () => Task.CompletedTask);
            return ApiResult.Created(new { id = "1" }, "/api/things/1");
        }, diagnostics: new ApiDiagnosticsOptions { ServerTiming = true });
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        var names = http.Response.Headers["Server-Timing"].ToString().Split(',', StringSplitOptions.TrimEntries).Select(m => m.Split(';')[0]);
        Assert.Equal(["claim", "handler", "handler.read", "handler.write", "complete", "audit", "total"], names);
    }

    [Fact]
    public async Task RunAsync_SuccessfulWrite_AuditWrittenWhileTheAnswerIsStored()
    {
        // The stored answer waits for the audit entry to begin: written one after the other, the completion would fail.
        var audited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _audit.Setup(a => a.AppendAsync(It.IsAny<AuditEntry>(), It.IsAny<CancellationToken>())).Callback(audited.SetResult).Returns(Task.CompletedTask);
        var pipeline = Pipeline(_ => Task.FromResult(ApiResult.Created(new { id = "1" }, "/api/things/1")));
        _idempotency.Setup(s => s.CompleteAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<StoredResponse>(), It.IsAny<CancellationToken>()))
            .Returns(() => audited.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        Assert.Equal(201, http.Response.StatusCode);
        _idempotency.Verify(s => s.CompleteAsync("admin-1", "k-1", It.Is<StoredResponse>(r => r.Status == 201), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_HandlerLeavesAWriteBesideTheCompletion_StoredSideBySideAndAnsweredOnlyAfterIt()
    {
        // The handler's write left beside the completion waits for the stored answer to begin: written one after the other
        // (the handler awaiting it), the request would never finish. The answer is sent only once it is done.
        var storing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _idempotency.Setup(s => s.CompleteAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<StoredResponse>(), It.IsAny<CancellationToken>()))
            .Callback(storing.SetResult).Returns(Task.CompletedTask);
        var http = Context();
        long bodyWhenDone = -1;
        var pipeline = Pipeline(r =>
        {
            r.BesideCompletion(Task.Run(async () =>
            {
                await storing.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await Task.Delay(50);
                bodyWhenDone = http.Response.Body.Length;
            }));
            return Task.FromResult(ApiResult.Created(new { id = "1" }, "/api/things/1"));
        });

        await pipeline.RunAsync(http, "Write");

        Assert.Equal(201, http.Response.StatusCode);
        Assert.Equal(0, bodyWhenDone);
        Assert.True(http.Response.Body.Length > 0);
    }

    [Fact]
    public async Task RunAsync_WriteBesideTheCompletionFails_TheAnswerStands()
    {
        var pipeline = Pipeline(r =>
        {
            r.BesideCompletion(Task.FromException(new InvalidOperationException("statistics line not written")));
            return Task.FromResult(ApiResult.Created(new { id = "1" }, "/api/things/1"));
        });
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        Assert.Equal(201, http.Response.StatusCode);
        _idempotency.Verify(s => s.CompleteAsync("admin-1", "k-1", It.Is<StoredResponse>(r => r.Status == 201), It.IsAny<CancellationToken>()), Times.Once);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Status == 201), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_StoringTheAnswerFails_Answers500AndAuditsThatAnswerToo()
    {
        var pipeline = Pipeline(_ => Task.FromResult(ApiResult.Created(new { id = "1" }, "/api/things/1")));
        _idempotency.Setup(s => s.CompleteAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<StoredResponse>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("storage down"));
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        Assert.Equal(500, http.Response.StatusCode);
        _idempotency.Verify(s => s.ReleaseAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Status == 201), It.IsAny<CancellationToken>()), Times.Once);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Status == 500), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_WriteWhoseAuditFails_Answers503AndTheStoredAnswerReplaysTheWrite()
    {
        var pipeline = Pipeline(_ => Task.FromResult(ApiResult.Created(new { id = "1" }, "/api/things/1")));
        _audit.Setup(a => a.AppendAsync(It.IsAny<AuditEntry>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("storage down"));
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        Assert.Equal(503, http.Response.StatusCode);
        _idempotency.Verify(s => s.CompleteAsync("admin-1", "k-1", It.Is<StoredResponse>(r => r.Status == 201), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(0)]
    public async Task RunAsync_StorageFailsTransiently_Answers503RetryAfterAndKeepsTheKey(int storageStatus)
    {
        var pipeline = Pipeline(_ => throw new Azure.RequestFailedException(storageStatus, "storage busy"));
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        Assert.Equal(503, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
        http.Response.Body.Position = 0;
        Assert.DoesNotContain("storage busy", new StreamReader(http.Response.Body).ReadToEnd(), StringComparison.Ordinal);
        // The write may be half done: the key stays claimed, so the retry the 503 asks for runs the idempotent handler again.
        _idempotency.Verify(s => s.ReleaseAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Status == 503), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_StorageRefusesForGood_Answers500WithoutRetryAfter()
    {
        var pipeline = Pipeline(_ => throw new Azure.RequestFailedException(400, "bad request to storage"));
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        Assert.Equal(500, http.Response.StatusCode);
        Assert.Equal(0, http.Response.Headers.RetryAfter.Count);
    }

    [Fact]
    public async Task RunAsync_RejectedWrite_ReleasesKeyAndAuditsTheRefusal()
    {
        var pipeline = Pipeline(_ => throw new DomainValidationException("name", "bad"));
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        Assert.Equal(400, http.Response.StatusCode);
        _idempotency.Verify(s => s.ReleaseAsync("admin-1", "k-1", It.IsAny<CancellationToken>()), Times.Once);
        _idempotency.Verify(s => s.CompleteAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<StoredResponse>(), It.IsAny<CancellationToken>()), Times.Never);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Status == 400 && e.Subject == "admin-1"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_AuditWriteFails_Answers503AndSendsNothingOfTheHandler()
    {
        var pipeline = Pipeline(_ => Task.FromResult(ApiResult.Ok(new { secret = "protected-detail" })));
        _audit.Setup(a => a.AppendAsync(It.IsAny<AuditEntry>(), It.IsAny<CancellationToken>())).ThrowsAsync(new InvalidOperationException("storage down"));
        var http = Context(key: null, method: "GET", path: "/api/secrets/1");

        await pipeline.RunAsync(http, "Secret");

        Assert.Equal(503, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
        http.Response.Body.Position = 0;
        Assert.DoesNotContain("protected-detail", new StreamReader(http.Response.Body).ReadToEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SuccessfulPlainRead_IsNotAuditedButAuditEveryReadRouteIs()
    {
        var pipeline = Pipeline(r =>
        {
            r.AuditReason = "why";
            return Task.FromResult(ApiResult.Ok(new { }));
        });

        await pipeline.RunAsync(Context(key: null, method: "GET"), "Read");
        await pipeline.RunAsync(Context(key: null, method: "GET", path: "/api/secrets/1"), "Secret");

        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Action == "Read"), It.IsAny<CancellationToken>()), Times.Never);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Action == "Secret" && e.Status == 200 && e.Reason == "why"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_ForbiddenInsideReadHandler_IsAudited()
    {
        var pipeline = Pipeline(_ => throw new ForbiddenException("not yours"));

        await pipeline.RunAsync(Context(key: null, method: "GET"), "Read");

        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Action == "Read" && e.Status == 403), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_ForgedToken_Is401AuditedWithTheUnverifiedSubject()
    {
        var pipeline = Pipeline(_ => Task.FromResult(ApiResult.NoContent()));
        _tokens.Setup(t => t.ValidateAsync(It.IsAny<string?>(), It.IsAny<CancellationToken>())).ReturnsAsync((Caller?)null);
        var http = Context();
        var payload = Convert.ToBase64String("{\"sub\":\"mallory\"}"u8.ToArray()).TrimEnd('=');
        http.Request.Headers.Authorization = $"Bearer eyJhbGciOiJub25lIn0.{payload}.";

        await pipeline.RunAsync(http, "Write");

        Assert.Equal(401, http.Response.StatusCode);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Status == 401 && e.Subject == "unverified:mallory"), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_CallerWritesTooFast_Gets429WithRetryAfterAndIsAudited()
    {
        var pipeline = Pipeline(_ => Task.FromResult(ApiResult.NoContent()), new RateLimitOptions { Burst = 2, PerSecond = 0.5 });

        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var http = Context(key: null);
            await pipeline.RunAsync(http, "Write");
            statuses.Add(http.Response.StatusCode);
            if (i == 2)
            {
                Assert.Equal("2", http.Response.Headers.RetryAfter.ToString());
            }
        }

        Assert.Equal([204, 204, 429], statuses);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Status == 429), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_CreatingPostWithoutIdempotencyKey_Is400NamingTheHeader()
    {
        var ran = false;
        var pipeline = Pipeline(_ =>
        {
            ran = true;
            return Task.FromResult(ApiResult.NoContent());
        });
        var http = Context(key: null, path: "/api/things");

        await pipeline.RunAsync(http, "Create");

        Assert.False(ran);
        Assert.Equal(400, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        Assert.Contains("Idempotency-Key", new StreamReader(http.Response.Body).ReadToEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ReplayedKey_AnswersStoredResponseWithoutRunningHandler()
    {
        var ran = false;
        var pipeline = Pipeline(_ =>
        {
            ran = true;
            return Task.FromResult(ApiResult.NoContent());
        });
        _idempotency.Setup(s => s.ClaimAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new IdempotencyClaim(IdempotencyOutcome.Replay, new StoredResponse(201, "application/json", "/api/things/1", null, "{}"u8.ToArray())));
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        Assert.False(ran);
        Assert.Equal(201, http.Response.StatusCode);
        Assert.Equal("/api/things/1", http.Response.Headers.Location.ToString());
    }

    [Fact]
    public async Task RunAsync_WrongRole_Is403AndAudited()
    {
        var pipeline = Pipeline(_ => Task.FromResult(ApiResult.NoContent()));
        _tokens.Setup(t => t.ValidateAsync(It.IsAny<string?>(), It.IsAny<CancellationToken>())).ReturnsAsync(new Caller("aud", "Aud", [Roles.Auditor], null));
        var http = Context();

        await pipeline.RunAsync(http, "Write");

        Assert.Equal(403, http.Response.StatusCode);
        _audit.Verify(a => a.AppendAsync(It.Is<AuditEntry>(e => e.Status == 403), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_RouteValuesMissing_AreMatchedFromPath()
    {
        string? id = null;
        var pipeline = Pipeline(r =>
        {
            id = r.RouteValue("id");
            return Task.FromResult(ApiResult.NoContent());
        });

        await pipeline.RunAsync(Context(key: null), "Write");

        Assert.Equal("1", id);
    }

    private void ClaimReturns(Task<IdempotencyClaim> claim) =>
        _idempotency.Setup(s => s.ClaimAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(claim);

    [Fact]
    public async Task RunAsync_RouteClaimsBesideHandler_HandlerStartsBeforeTheClaimIsWrittenAndWritesAfterIt()
    {
        var claim = new TaskCompletionSource<IdempotencyClaim>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wroteWhileClaiming = true;
        var pipeline = Pipeline(async r =>
        {
            started.SetResult();
            await r.ClaimedAsync();
            wroteWhileClaiming = !claim.Task.IsCompleted;
            return ApiResult.Accepted(new { id = "1" }, "/api/beside/1");
        });
        ClaimReturns(claim.Task);
        var http = Context(path: "/api/beside");

        var running = pipeline.RunAsync(http, "Beside");
        // The handler runs while the claim is still being written; the claim is let through only once it did.
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        claim.SetResult(new IdempotencyClaim(IdempotencyOutcome.Claimed));
        await running;

        Assert.False(wroteWhileClaiming);
        Assert.Equal(202, http.Response.StatusCode);
        _idempotency.Verify(s => s.CompleteAsync("admin-1", "k-1", It.Is<StoredResponse>(r => r.Status == 202), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RunAsync_RouteClaimsBesideHandlerAndTheKeyReplays_AnswersTheStoredResponseAndNothingPastTheClaimRuns()
    {
        var wrote = false;
        var pipeline = Pipeline(async r =>
        {
            await r.ClaimedAsync();
            wrote = true;
            return ApiResult.Accepted(new { id = "2" }, "/api/beside/2");
        });
        ClaimReturns(Task.FromResult(new IdempotencyClaim(IdempotencyOutcome.Replay, new StoredResponse(202, "application/json", "/api/beside/1", null, "{}"u8.ToArray()))));
        var http = Context(path: "/api/beside");

        await pipeline.RunAsync(http, "Beside");

        Assert.False(wrote);
        Assert.Equal(202, http.Response.StatusCode);
        Assert.Equal("/api/beside/1", http.Response.Headers.Location.ToString());
        _idempotency.Verify(s => s.CompleteAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<StoredResponse>(), It.IsAny<CancellationToken>()), Times.Never);
        _idempotency.Verify(s => s.ReleaseAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(IdempotencyOutcome.Mismatch)]
    [InlineData(IdempotencyOutcome.InProgress)]
    public async Task RunAsync_RouteClaimsBesideHandlerAndTheKeyIsAnotherRequests_Answers409AndKeepsTheKey(IdempotencyOutcome outcome)
    {
        var wrote = false;
        var pipeline = Pipeline(async r =>
        {
            await r.ClaimedAsync();
            wrote = true;
            return ApiResult.NoContent();
        });
        ClaimReturns(Task.FromResult(new IdempotencyClaim(outcome)));
        var http = Context(path: "/api/beside");

        await pipeline.RunAsync(http, "Beside");

        Assert.False(wrote);
        Assert.Equal(409, http.Response.StatusCode);
        _idempotency.Verify(s => s.ReleaseAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_RouteClaimsBesideHandlerAndTheBodyIsBad_ReleasesTheKeyItClaimedAndAnswers400()
    {
        var pipeline = Pipeline(_ => throw new DomainValidationException("name", "bad"));
        var claim = new TaskCompletionSource<IdempotencyClaim>(TaskCreationOptions.RunContinuationsAsynchronously);
        ClaimReturns(claim.Task);
        var http = Context(path: "/api/beside");

        var running = pipeline.RunAsync(http, "Beside");
        claim.SetResult(new IdempotencyClaim(IdempotencyOutcome.Claimed));
        await running;

        Assert.Equal(400, http.Response.StatusCode);
        _idempotency.Verify(s => s.ReleaseAsync("admin-1", "k-1", It.IsAny<CancellationToken>()), Times.Once);
        _idempotency.Verify(s => s.CompleteAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<StoredResponse>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_RouteClaimsBesideHandlerAndTheBodyIsBadUnderAKeyInProgress_Answers409AndKeepsTheKey()
    {
        var pipeline = Pipeline(_ => throw new DomainValidationException("name", "bad"));
        ClaimReturns(Task.FromResult(new IdempotencyClaim(IdempotencyOutcome.InProgress)));
        var http = Context(path: "/api/beside");

        await pipeline.RunAsync(http, "Beside");

        Assert.Equal(409, http.Response.StatusCode);
        _idempotency.Verify(s => s.ReleaseAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RunAsync_RouteClaimsBesideHandlerAndTheClaimIsTakenOver_HandlerSeesResumedOnlyAfterTheClaim()
    {
        var (before, after) = (true, false);
        var pipeline = Pipeline(async r =>
        {
            before = r.Resumed;
            await r.ClaimedAsync();
            after = r.Resumed;
            return ApiResult.NoContent();
        });
        ClaimReturns(Task.FromResult(new IdempotencyClaim(IdempotencyOutcome.Claimed, Resumed: true)));
        var http = Context(path: "/api/beside");

        await pipeline.RunAsync(http, "Beside");

        Assert.False(before);
        Assert.True(after);
        Assert.Equal(204, http.Response.StatusCode);
    }

    [Fact]
    public async Task RunAsync_ClaimBesideHandlerTurnedOff_ClaimsBeforeTheHandlerRuns()
    {
        var claim = new TaskCompletionSource<IdempotencyClaim>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ranWhileClaiming = false;
        var pipeline = Pipeline(r =>
        {
            ranWhileClaiming = !claim.Task.IsCompleted;
            return Task.FromResult(ApiResult.NoContent());
        }, diagnostics: new ApiDiagnosticsOptions { ClaimBesideHandler = false });
        ClaimReturns(claim.Task);
        var http = Context(path: "/api/beside");

        var running = pipeline.RunAsync(http, "Beside");
        await Task.Delay(50);
        claim.SetResult(new IdempotencyClaim(IdempotencyOutcome.Claimed));
        await running;

        Assert.False(ranWhileClaiming);
        Assert.Equal(204, http.Response.StatusCode);
    }
}
