using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Relocations;

namespace Relocation.Domain.Tests.Common;

/// <summary>The refusals a user meets most carry a stable code (and arguments) beside their English message.</summary>
public sealed class ProblemCodeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly RelocationFacts Facts = new("ICC-01/04-01/06", "W-0421", RelocationKind.TemporaryRelocation, RelocationPriority.Emergency,
        new Household(2, 1), new Needs(["fr"], false));

    [Fact]
    public void RequestAcceptance_EachRefusal_HasItsCodeAndArguments()
    {
        var noConsent = RelocationCase.Submit("r1", Facts, Now, "Vwu.Officer");
        noConsent.StartRound(1, [new AskedState("NOR", "cap-NOR", false, 1)], Now, Now.AddHours(24));
        var consented = RelocationCase.Submit("r2", Facts, Now, "Vwu.Officer", DateOnly.FromDateTime(Now.UtcDateTime));
        consented.StartRound(1, [new AskedState("NOR", "cap-NOR", false, 1), new AskedState("SWE", "cap-SWE", false, 1)], Now, Now.AddHours(24));
        consented.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Offer, 3, null, null, null), Now);
        consented.RecordResponse("SWE", new ResponseCommand("SWE", OfferDecision.Offer, 3, null, null, null), Now);

        var consent = Assert.Throws<ConflictException>(() => noConsent.RequestAcceptance("NOR", "a1", Now));
        var notOffered = Assert.Throws<ConflictException>(() => RelocationCase.Submit("r3", Facts, Now, "Vwu.Officer", DateOnly.FromDateTime(Now.UtcDateTime)).RequestAcceptance("NOR", "a1", Now));
        consented.RequestAcceptance("NOR", "a1", Now);
        var pending = Assert.Throws<ConflictException>(() => consented.RequestAcceptance("SWE", "a2", Now));
        consented.Cancel("no longer needed", Now);
        var cancelled = Assert.Throws<ConflictException>(() => consented.Cancel("again", Now));

        Assert.Equal("ConsentRequired", consent.Code);
        Assert.Equal(("NotAcceptingOffers", "Submitted"), (notOffered.Code, notOffered.Args!["status"]));
        Assert.Equal(("AcceptancePending", "NOR"), (pending.Code, pending.Args!["state"]));
        Assert.Equal(("CannotCancel", "Cancelled"), (cancelled.Code, cancelled.Args!["status"]));
        Assert.Equal("The relocation is Cancelled; it cannot be cancelled.", cancelled.Message);
    }

    [Fact]
    public void Refusal_AgreementEventNotAllowed_MessageAsBeforeWithCodeEventStatusAndPossibleEvents()
    {
        var notPossible = AgreementLifecycle.Refusal(AgreementStatus.Negotiating, AgreementEvent.Suspended);
        var final = AgreementLifecycle.Refusal(AgreementStatus.Terminated, AgreementEvent.Resumed);

        Assert.Equal(AgreementLifecycle.Explain(AgreementStatus.Negotiating, AgreementEvent.Suspended), notPossible.Message);
        Assert.StartsWith("Suspended is not possible while the agreement is Negotiating; possible: ", notPossible.Message, StringComparison.Ordinal);
        Assert.Equal(("AgreementEventNotPossible", "Suspended", "Negotiating"), (notPossible.Code, notPossible.Args!["agreementEvent"], notPossible.Args["agreementStatus"]));
        Assert.Equal(notPossible.Message[(notPossible.Message.IndexOf("possible: ", StringComparison.Ordinal) + 10)..^1], notPossible.Args["possibleEvents"]);
        Assert.Equal(("AgreementFinal", "Terminated"), (final.Code, final.Args!["agreementStatus"]));
    }

    [Fact]
    public void WithCode_NoneGiven_NoCode()
    {
        var plain = new ConflictException("Something else.");

        Assert.Null(plain.Code);
        Assert.Null(plain.Args);
    }
}
