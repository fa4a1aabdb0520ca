using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Testing.Builders;

namespace Relocation.Domain.Tests.Capacities;

public sealed class CapacityTermsTests
{
    public static TheoryData<string, Func<CapacityCommand, CapacityCommand>> BadInputs => new()
    {
        { "kinds", i => i with { Kinds = [] } },
        { "kinds", i => i with { Kinds = null } },
        { "kinds[0]", i => i with { Kinds = [(RelocationKind)99] } },
        { "places", i => i with { Places = 0 } },
        { "places", i => i with { Places = -3 } },
        { "places", i => i with { Places = CapacityTerms.MaxPlaces + 1 } },
        { "places", i => i with { Places = null } },
        { "maxHouseholdSize", i => i with { MaxHouseholdSize = 0 } },
        { "languages[1]", i => i with { Languages = ["fr", "french"] } },
        { "languages", i => i with { Languages = null } },
        { "medicalCare", i => i with { MedicalCare = null } },
        { "availableFrom", i => i with { AvailableFrom = null } },
        { "availableUntil", i => i with { AvailableFrom = new DateOnly(2027, 1, 2), AvailableUntil = new DateOnly(2027, 1, 1) } },
        { "needsFundSupport", i => i with { NeedsFundSupport = null } },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void From_BadInput_NamesTheField(string field, Func<CapacityCommand, CapacityCommand> breakIt)
    {
        var input = new CapacityInputBuilder().With(breakIt).Build();

        var ex = Assert.Throws<DomainValidationException>(() => CapacityTerms.From(input));

        Assert.Contains(field, ex.Errors.Keys);
    }

    [Fact]
    public void From_SameDayWindow_IsAccepted()
    {
        var day = new DateOnly(2027, 1, 1);
        var input = new CapacityInputBuilder().With(i => i with { AvailableFrom = day, AvailableUntil = day }).Build();

        var terms = CapacityTerms.From(input);

        Assert.Equal(day, terms.AvailableUntil);
    }
}
