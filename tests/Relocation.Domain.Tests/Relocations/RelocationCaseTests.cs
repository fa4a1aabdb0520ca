using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Relocations;

namespace Relocation.Domain.Tests.Relocations;

public sealed class RelocationCaseTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static RelocationCase New()
    {
        var facts = new RelocationFacts("ICC-01/04", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, new Household(2, 1), new Needs(["fr"], false));
        var relocation = RelocationCase.Submit("r1", facts, Now, "Vwu.Officer");
        relocation.StartRound(1, [new AskedState("NOR", "c1", false, 1100), new AskedState("SWE", "c2", true, 1000)], Now, Now.AddHours(24));
        return relocation;
    }

    private static ResponseInput Offer(string state) => new(state, OfferDecision.Offer, 3, null, new MoneyInput(100m, "EUR"), null);

    [Fact]
    public void Submit_Emergency_RelocationDueInSevenDays()
    {
        Assert.Equal(new DateOnly(2026, 12, 5), New().State.RelocationDueOn);
    }

    [Fact]
    public void RecordResponse_StateNotAsked_IsForbiddenAndLogged()
    {
        var relocation = New();

        Assert.Throws<ForbiddenException>(() => relocation.RecordResponse("FIN", Offer("FIN"), Now));
        Assert.Equal("ResponseRefused", relocation.Timeline[^1].What);
    }

    [Fact]
    public void RecordResponse_Twice_IsConflict()
    {
        var relocation = New();
        relocation.RecordResponse("NOR", Offer("NOR"), Now);

        Assert.Throws<ConflictException>(() => relocation.RecordResponse("NOR", Offer("NOR"), Now));
    }

    [Fact]
    public void RecordResponse_AfterRoundClosed_IsConflict()
    {
        var relocation = New();
        relocation.CloseRound(1, Now.AddHours(25));

        Assert.Throws<ConflictException>(() => relocation.RecordResponse("NOR", Offer("NOR"), Now.AddHours(26)));
    }

    [Theory]
    [InlineData("USD", 100, "estimatedCost.currency")]
    [InlineData("EUR", -1, "estimatedCost.amount")]
    [InlineData("EUR", 0.001, "estimatedCost.amount")]
    public void RecordResponse_BadCost_NamesField(string currency, decimal amount, string field)
    {
        var ex = Assert.Throws<DomainValidationException>(() => New().RecordResponse("NOR", new ResponseInput("NOR", OfferDecision.Offer, null, null, new MoneyInput(amount, currency), null), Now));

        Assert.Contains(field, ex.Errors.Keys);
    }

    [Fact]
    public void RequestAcceptance_StateDidNotOffer_IsConflict()
    {
        var relocation = New();
        relocation.RecordResponse("SWE", new ResponseInput("SWE", OfferDecision.Decline, null, null, null, null), Now);

        Assert.Throws<ConflictException>(() => relocation.RequestAcceptance("SWE", "a1", Now));
    }

    [Fact]
    public void RequestAcceptance_SecondWhileFirstPending_IsConflict()
    {
        var relocation = New();
        relocation.RecordResponse("NOR", Offer("NOR"), Now);
        relocation.RecordResponse("SWE", Offer("SWE"), Now);
        relocation.RequestAcceptance("NOR", "a1", Now);

        Assert.Throws<ConflictException>(() => relocation.RequestAcceptance("SWE", "a2", Now));
    }

    [Fact]
    public void CompleteAcceptance_ThenArrive_IsRelocated_AndAllDeclinedIsFalse()
    {
        var relocation = New();
        relocation.RecordResponse("NOR", Offer("NOR"), Now);
        relocation.RequestAcceptance("NOR", "a1", Now);
        relocation.CompleteAcceptance("a1", "c1", null, Now);
        relocation.CompleteAcceptance("a1", "c1", null, Now);
        relocation.Arrive(new DateOnly(2026, 11, 28), Now);

        Assert.Equal(RelocationStatus.Relocated, relocation.Status);
        Assert.False(relocation.AllDeclined(1));
        Assert.Single(relocation.Timeline, t => t.What == "OfferAccepted");
    }

    [Fact]
    public void AllDeclined_EveryAskedStateDeclined_IsTrue()
    {
        var relocation = New();
        relocation.RecordResponse("NOR", new ResponseInput("NOR", OfferDecision.Decline, null, null, null, null), Now);
        Assert.False(relocation.AllDeclined(1));
        relocation.RecordResponse("SWE", new ResponseInput("SWE", OfferDecision.Decline, null, null, null, null), Now);

        Assert.True(relocation.AllDeclined(1));
    }

    [Fact]
    public void Cancel_AfterRelocated_IsConflict()
    {
        var relocation = New();
        relocation.RecordResponse("NOR", Offer("NOR"), Now);
        relocation.RequestAcceptance("NOR", "a1", Now);
        relocation.CompleteAcceptance("a1", "c1", null, Now);
        relocation.Arrive(new DateOnly(2026, 11, 28), Now);

        Assert.Throws<ConflictException>(() => relocation.Cancel("x", Now));
    }

    [Fact]
    public void Validate_ProtectedFieldsBad_NamesFieldsWithoutEchoingValues()
    {
        var input = new RelocationInput("ICC-01/04", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency, new HouseholdInput(0, 1),
            new NeedsInput(["fr"], false), new ProtectedPersonInput("SecretName\u0001", new DateOnly(2090, 1, 1), "", "x"));

        var ex = Assert.Throws<DomainValidationException>(() => input.Validate(new DateOnly(2026, 11, 28)));

        Assert.Equal(["household.adults", "protectedPerson.currentLocation", "protectedPerson.dateOfBirth", "protectedPerson.fullName"], ex.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(ex.Errors.Values.SelectMany(v => v), m => m.Contains("SecretName", StringComparison.Ordinal));
    }
}
