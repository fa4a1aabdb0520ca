using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Domain.Agreements;
using Relocation.Domain.Relocations;
using Relocation.Domain.Steps;
using Relocation.EndToEnd.Tests.Relocations;
using Relocation.Storage;
using Relocation.Testing;
using Relocation.Workflows.Relocations;

namespace Relocation.EndToEnd.Tests.Resilience;

/// <summary>The host with a reconciler sweeping every second, for steps whose event is lost on purpose.</summary>
public sealed class FastReconcilerHostFixture : LocalHostFixture
{
    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["Workflows__Reconciler__Period"] = "00:00:01",
        ["Workflows__Reconciler__MinimumAge"] = "00:00:01",
    };
}

/// <summary>
/// Each step is written as the API writes it (pending-step index, then the row) and its event is never raised, as
/// when the process dies between the two. The reconciler raises it again, and the orchestration applies it from the
/// row within the reconciler's period: an agreement event, and a relocation's acceptance, arrival and cancellation.
/// </summary>
[Trait("Category", "Slow")]
public sealed class LostEventTests(FastReconcilerHostFixture host) : IClassFixture<FastReconcilerHostFixture>
{
    /// <summary>Period (1 s) and minimum age (1 s), plus the orchestration's own work, with room for a loaded machine.</summary>
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AgreementEvent_NeverRaised_AppliedByReconciler()
    {
        var s = new RelocationScenario(host, "9101");
        await s.SetUpStatesAsync();
        var created = await s.Ok(HttpMethod.Post, "agreements", RelocationScenario.Admin, new Relocation.Testing.Builders.AgreementInputBuilder().With(i => i with { StateCode = "FIN" }).BuildBody());
        var id = created.GetProperty("id").GetString()!;
        await using var services = Storage();
        var agreements = services.GetRequiredService<IAgreementRepository>();

        var agreement = (await agreements.FindAsync(id, CancellationToken.None))!;
        var now = DateTimeOffset.UtcNow;
        var pending = agreement.Accept(new AgreementEventCommand(AgreementEvent.Signed, DateOnly.FromDateTime(now.UtcDateTime), "lost"), DateOnly.FromDateTime(now.UtcDateTime), "admin", "Registry.Admin", now);
        await services.GetRequiredService<IPendingSteps>().AddAsync(new PendingStep(StepWorkflows.Agreement, id, pending.Sequence, now), CancellationToken.None);
        await agreements.UpdateAsync(agreement, CancellationToken.None);

        Assert.True(await EventuallyAsync(async () => (await agreements.FindAsync(id, CancellationToken.None))!.Status == AgreementStatus.Signed), "The lost Signed event was not applied.");
    }

    [Fact]
    public async Task Acceptance_NeverRaised_AppliedByReconciler()
    {
        var (s, id) = await CaseWithOfferAsync("9102");
        await using var services = Storage();
        var relocations = services.GetRequiredService<IRelocationRepository>();

        await WriteStepAsync(services, id, c => c.RequestAcceptance(s.Accepting, Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow));

        Assert.True(await EventuallyAsync(async () => (await relocations.FindAsync(id, CancellationToken.None))! is { Status: RelocationStatus.OfferAccepted, PendingSteps.Count: 0 }), "The lost acceptance was not carried out.");
    }

    [Fact]
    public async Task ArrivalAndCancellation_NeverRaised_AppliedByReconciler()
    {
        var (s, arriving) = await CaseWithOfferAsync("9103");
        await s.Ok(HttpMethod.Post, $"relocations/{arriving}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting });
        var cancelled = await s.RaiseAsync(s.RequestBody("C", "D", "E"));
        await s.WaitAsync(cancelled, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await using var services = Storage();
        var relocations = services.GetRequiredService<IRelocationRepository>();
        var usedBefore = (await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin)).EnumerateArray().Sum(c => c.GetProperty("used").GetInt32());

        await WriteStepAsync(services, arriving, c => c.Arrive(DateOnly.FromDateTime(DateTime.UtcNow), DateTimeOffset.UtcNow));
        await WriteStepAsync(services, cancelled, c => c.Cancel("lost event", DateTimeOffset.UtcNow));

        Assert.True(await EventuallyAsync(async () => (await relocations.FindAsync(arriving, CancellationToken.None))!.PendingSteps.Count == 0), "The lost arrival was not applied.");
        Assert.True(await EventuallyAsync(async () => (await relocations.FindAsync(cancelled, CancellationToken.None))!.PendingSteps.Count == 0), "The lost cancellation was not applied.");
        var usedAfter = (await s.Ok(HttpMethod.Get, $"states/{s.Accepting}/capacity", RelocationScenario.Admin)).EnumerateArray().Sum(c => c.GetProperty("used").GetInt32());
        Assert.Equal(usedBefore + 3, usedAfter);
    }

    [Fact]
    public async Task ForgedCancellation_NotOnRow_Ignored()
    {
        // Issue 13: an event raised through the Durable management API, bypassing the API, changes nothing.
        var (s, id) = await CaseWithOfferAsync("9104");
        var loggers = Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        var engine = Relocation.LocalHost.Engine.DurableEngine.CreateAzureStorage(host.Azurite.ConnectionString, "forger", loggers);
        var client = new DurableTask.Core.TaskHubClient(engine.Client);

        await client.RaiseEventAsync(new DurableTask.Core.OrchestrationInstance { InstanceId = RelocationInstance.IdFor(id) }, RelocationInstance.EventName, new CaseEvent(CaseEventKind.Cancellation));
        await Task.Delay(5000);

        var view = await s.Ok(HttpMethod.Get, $"relocations/{id}", RelocationScenario.Vwu);
        Assert.Equal("AwaitingOffers", view.GetProperty("status").GetString());
        await s.Ok(HttpMethod.Post, $"relocations/{id}/acceptance", RelocationScenario.Vwu, new { stateCode = s.Accepting });
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "OfferAccepted");
    }

    private async Task<(RelocationScenario Scenario, string Id)> CaseWithOfferAsync(string suffix)
    {
        var s = new RelocationScenario(host, suffix);
        await s.SetUpStatesAsync(places: 20);
        var id = await s.RaiseAsync(s.RequestBody("A", "B", "C"));
        await s.WaitAsync(id, v => v.GetProperty("status").GetString() == "AwaitingOffers");
        await s.Ok(HttpMethod.Post, $"relocations/{id}/responses", Relocation.Testing.TestTokens.For(Relocation.Domain.Security.Roles.StateFocalPoint, s.Accepting), new { stateCode = s.Accepting, decision = "Offer" });
        return (s, id);
    }

    /// <summary>As the API writes a step (index entry under the row's next number, then the row), without the raise.</summary>
    private static async Task WriteStepAsync(ServiceProvider services, string id, Action<RelocationCase> change)
    {
        var relocations = services.GetRequiredService<IRelocationRepository>();
        var before = (await relocations.FindAsync(id, CancellationToken.None))!;
        await services.GetRequiredService<IPendingSteps>().AddAsync(new PendingStep(StepWorkflows.Relocation, id, before.State.NextStep, DateTimeOffset.UtcNow), CancellationToken.None);
        await CaseUpdates.UpdateAsync(relocations, id, change);
    }

    private ServiceProvider Storage()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataStorage"] = host.Azurite.ConnectionString }).Build();
        return new ServiceCollection().AddRelocationStorage(configuration).BuildServiceProvider();
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> check)
    {
        var deadline = DateTime.UtcNow + Within;
        while (DateTime.UtcNow < deadline)
        {
            if (await check())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
}
