using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.Relocations;

namespace Relocation.Domain.Tests.Relocations;

public sealed class ResponseCommandTests
{
    [Fact]
    public void Check_SeveralWrongFields_AddsEach()
    {
        var errors = new FieldErrors().Add("stateCode", "wrong");
        var command = new ResponseCommand("nor", OfferDecision.Offer, 0, null, new MoneyFields(-1m, "USD"), null);

        _ = command.Check(errors);

        var ex = Assert.Throws<DomainValidationException>(errors.ThrowIfAny);
        Assert.Equal(["estimatedCost.currency", "estimatedCost.value", "places", "stateCode"], ex.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Check_ValidOffer_CostInCents()
    {
        var errors = new FieldErrors();

        var (note, cost) = new ResponseCommand("NOR", OfferDecision.Offer, 2, null, new MoneyFields(1250.50m, "EUR"), " ok ").Check(errors);

        Assert.False(errors.Any);
        Assert.Equal(("ok", 125050L), (note, cost));
    }
}
