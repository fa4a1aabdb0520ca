using Relocation.Domain.Common;
using Relocation.Domain.Fund;

namespace Relocation.Domain.Tests.Fund;

public sealed class MoneyTests
{
    [Theory]
    [InlineData(1250.50, "EUR", 125050)]
    [InlineData(5000000, "JPY", 5000000)]
    [InlineData(12.345, "KWD", 12345)]
    public void FromMajor_ValidAmount_MinorUnits(double value, string currency, long minor)
    {
        var errors = new FieldErrors();
        var money = Money.FromMajor((decimal)value, currency, "amount.value", "amount.currency", errors);
        Assert.False(errors.Any);
        Assert.Equal(new Money(minor, currency), money);
    }

    [Theory]
    [InlineData(1.5, "JPY", "amount.value")]
    [InlineData(1.001, "EUR", "amount.value")]
    [InlineData(0, "EUR", "amount.value")]
    [InlineData(-1, "EUR", "amount.value")]
    [InlineData(10, "XXX", "amount.currency")]
    [InlineData(10, "eur", "amount.currency")]
    public void FromMajor_InvalidAmount_NamesField(double value, string currency, string field)
    {
        var errors = new FieldErrors();
        Assert.Null(Money.FromMajor((decimal)value, currency, "amount.value", "amount.currency", errors));
        var ex = Assert.Throws<DomainValidationException>(errors.ThrowIfAny);
        Assert.Contains(field, ex.Errors.Keys);
    }

    [Fact]
    public void FromMajor_HugeValue_RefusedWithoutOverflow()
    {
        var errors = new FieldErrors();
        Assert.Null(Money.FromMajor(decimal.MaxValue, "KWD", "amount.value", "amount.currency", errors));
        Assert.True(errors.Any);
    }
}
