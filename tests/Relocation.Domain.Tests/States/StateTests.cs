using Relocation.Domain.Common;
using Relocation.Domain.States;
using Relocation.Testing.Builders;

namespace Relocation.Domain.Tests.States;

public sealed class StateTests
{
    [Fact]
    public void Register_ValidInput_KeepsEveryField()
    {
        var input = new StateInputBuilder().Build();

        var state = State.Register("NOR", input);

        Assert.Equal("NOR", state.Code);
        Assert.Equal("Norway", state.Name);
        Assert.Equal(RegionalGroup.WesternEuropeanOther, state.Region);
        Assert.Equal(["nb", "nn"], state.Languages);
        Assert.Single(state.FocalPoints);
    }

    [Theory]
    [InlineData("nor")]
    [InlineData("NO")]
    [InlineData("XYZ")]
    [InlineData("")]
    public void Register_InvalidCode_NamesCode(string code)
    {
        var ex = Assert.Throws<DomainValidationException>(() => State.Register(code, new StateInputBuilder().Build()));

        Assert.Contains("code", ex.Errors.Keys);
    }

    [Fact]
    public void Register_ManyBadFields_ReportsEachField()
    {
        var input = new StateInputBuilder().With(i => i with
        {
            Name = new string('x', State.MaxNameLength + 1),
            Region = null,
            Languages = ["xx", "fr"],
            RomeStatuteParty = null,
            FocalPoints = [new FocalPointFields("", "not-an-email", "call me")],
        }).Build();

        var ex = Assert.Throws<DomainValidationException>(() => State.Register("NOR", input));

        Assert.Equal(
            ["focalPoints[0].email", "focalPoints[0].name", "focalPoints[0].phone", "languages[0]", "name", "region", "romeStatuteParty"],
            ex.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Register_ControlCharacterInName_IsRejected()
    {
        var input = new StateInputBuilder().With(i => i with { Name = "Nor\u0000way" }).Build();

        var ex = Assert.Throws<DomainValidationException>(() => State.Register("NOR", input));

        Assert.Contains("name", ex.Errors.Keys);
    }

    [Fact]
    public void Register_DuplicateLanguages_KeepsOne()
    {
        var input = new StateInputBuilder().With(i => i with { Languages = ["fr", "fr"] }).Build();

        var state = State.Register("FRA", input);

        Assert.Equal(["fr"], state.Languages);
    }
}
