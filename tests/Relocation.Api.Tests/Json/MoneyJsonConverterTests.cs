using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Relocation.Api.Features.Fund;
using Relocation.Api.Features.Relocations;
using Relocation.Api.Json;
using Relocation.Api.Routing;
using Relocation.Domain.Common;
using Relocation.Domain.Security;

namespace Relocation.Api.Tests.Json;

/// <summary>One money shape written (<c>{value, currency}</c>); the first contract's <c>{amount, currency}</c> still read.</summary>
public sealed class MoneyJsonConverterTests
{
    private static T Read<T>(string json)
        where T : class
    {
        var route = ApiRouteTable.Discover().Get("PostRelocationResponse");
        var request = new ApiRequest(new DefaultHttpContext(), route, new Caller("t", "t", [], null), new RouteValueDictionary(), Encoding.UTF8.GetBytes(json), "c", null, null);
        return request.ReadJson<T>();
    }

    [Theory]
    [InlineData("""{"stateCode":"NOR","decision":"Offer","estimatedCost":{"value":1250.50,"currency":"EUR"}}""")]
    [InlineData("""{"stateCode":"NOR","decision":"Offer","estimatedCost":{"amount":1250.50,"currency":"EUR"}}""")]
    public void Read_ResponseWithEitherShape_SameAmount(string json)
    {
        var input = Read<ResponseInput>(json);

        Assert.Equal(new MoneyDto(1250.50m, "EUR"), input.EstimatedCost);
        Assert.Equal(1250.50m, input.ToCommand().EstimatedCost!.Value);
    }

    [Theory]
    [InlineData("""{"donorStateCode":"NOR","amount":{"value":100,"currency":"NOK"},"date":"2026-11-01"}""")]
    [InlineData("""{"donorStateCode":"NOR","amount":{"amount":100,"currency":"NOK"},"date":"2026-11-01"}""")]
    public void Read_PledgeWithEitherShape_SameAmount(string json)
    {
        var input = Read<PledgeInput>(json);

        Assert.Equal(new MoneyDto(100m, "NOK"), input.Amount);
    }

    [Fact]
    public void Read_BothValueAndAmount_400NamesAmount()
    {
        var error = Assert.Throws<DomainValidationException>(() =>
            Read<ResponseInput>("""{"stateCode":"NOR","decision":"Offer","estimatedCost":{"value":1,"amount":2,"currency":"EUR"}}"""));

        Assert.Equal("estimatedCost.amount", Assert.Single(error.Errors).Key);
    }

    [Fact]
    public void Read_UnknownMember_400NamesIt()
    {
        var error = Assert.Throws<DomainValidationException>(() =>
            Read<ResponseInput>("""{"stateCode":"NOR","decision":"Offer","estimatedCost":{"value":1,"currency":"EUR","rate":2}}"""));

        Assert.Equal("estimatedCost.rate", Assert.Single(error.Errors).Key);
    }

    [Fact]
    public void Read_ValueAsString_400NamesTheAmount()
    {
        var error = Assert.Throws<DomainValidationException>(() =>
            Read<ResponseInput>("""{"stateCode":"NOR","decision":"Offer","estimatedCost":{"value":"1","currency":"EUR"}}"""));

        Assert.StartsWith("estimatedCost", Assert.Single(error.Errors).Key, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_AnyAmount_OnlyValueAndCurrency()
    {
        var json = JsonSerializer.Serialize(new MoneyDto(1250.50m, "EUR"), ApiJson.Options);

        Assert.Equal("""{"value":1250.50,"currency":"EUR"}""", json);
    }

    [Fact]
    public void Write_ReadBackLegacyShape_WritesValue()
    {
        var legacy = JsonSerializer.Deserialize<MoneyDto>("""{"amount":7,"currency":"JPY"}""", ApiJson.Options);

        Assert.Equal("""{"value":7,"currency":"JPY"}""", JsonSerializer.Serialize(legacy, ApiJson.Options));
    }
}
