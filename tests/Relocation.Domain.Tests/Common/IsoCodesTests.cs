using Relocation.Domain.Common;

namespace Relocation.Domain.Tests.Common;

public sealed class IsoCodesTests
{
    [Fact]
    public void Counts_MatchTheStandards()
    {
        Assert.Equal(249, IsoCodes.CountryCount);
        Assert.Equal(183, IsoCodes.LanguageCount);
    }

    [Theory]
    [InlineData("NOR", true)]
    [InlineData("MLI", true)]
    [InlineData("PSE", true)]
    [InlineData("nor", false)]
    [InlineData("EUR", false)]
    [InlineData(null, false)]
    public void IsCountry_Code_Expected(string? code, bool expected) => Assert.Equal(expected, IsoCodes.IsCountry(code));

    [Theory]
    [InlineData("fr", true)]
    [InlineData("sw", true)]
    [InlineData("FR", false)]
    [InlineData("fra", false)]
    [InlineData("xx", false)]
    public void IsLanguage_Code_Expected(string code, bool expected) => Assert.Equal(expected, IsoCodes.IsLanguage(code));
}
