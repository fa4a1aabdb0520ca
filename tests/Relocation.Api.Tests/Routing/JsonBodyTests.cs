using System.Text;
using Relocation.Api.Features.Relocations;
using Relocation.Api.Routing;
using Relocation.Domain.Common;

namespace Relocation.Api.Tests.Routing;

/// <summary>A body with several mistakes is answered with all of them, whether the serializer or the rule finds them.</summary>
public sealed class JsonBodyTests
{
    private static readonly DateOnly Today = new(2026, 12, 1);

    private const string Person = "\"protectedPerson\":{\"fullName\":\"Secret Name\",\"dateOfBirth\":\"1987-04-12\",\"currentLocation\":\"Secret Place\",\"contact\":\"Secret Phone\"}";

    private static IReadOnlyDictionary<string, string[]> Errors(string json) =>
        Assert.Throws<DomainValidationException>(() =>
            JsonBody.Read(Encoding.UTF8.GetBytes(json), (RelocationInput input) => input.ToCommand().Validate(Today))).Errors;

    [Fact]
    public void Read_WrongTypesAndRuleErrors_NamesEveryFieldFirstOneFirst()
    {
        var errors = Errors($$"""
            {"kind":"Relocate","caseReference":"ICC-01/04-01/06","pseudonym":"W-1","priority":"Soon",
             "household":{"adults":"two","children":0},"needs":{"languages":["fr"],"medicalCare":false},{{Person}}}
            """);

        Assert.Equal(["kind", "priority", "household.adults", "pseudonym"], errors.Keys);
        Assert.StartsWith("'pseudonym' must be ", Assert.Single(errors["pseudonym"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MemberOfWrongType_NamedOnceNotAlsoRequired()
    {
        var errors = Errors($$"""
            {"caseReference":"ICC-01/04-01/06","pseudonym":"W-0421","kind":"Relocate","priority":"Urgent",
             "household":{"adults":1,"children":0},"needs":{"languages":["fr"],"medicalCare":false},{{Person}}}
            """);

        var message = Assert.Single(Assert.Single(errors).Value);
        Assert.Contains("WitnessRelocation", message, StringComparison.Ordinal);
        Assert.DoesNotContain("required", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ArrayElementOfWrongType_NamesTheElementNotTheArray()
    {
        var errors = Errors($$"""
            {"caseReference":"ICC-01/04-01/06","pseudonym":"W-0421","kind":"TemporaryRelocation","priority":"Urgent",
             "household":{"adults":1,"children":0},"needs":{"languages":[7],"medicalCare":"no"},{{Person}}}
            """);

        Assert.Equal(["needs.languages[0]", "needs.medicalCare"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_SeveralUnknownMembers_NamesEach()
    {
        var errors = Errors($$"""
            {"caseReference":"ICC-01/04-01/06","pseudonym":"W-0421","kind":"TemporaryRelocation","priority":"Urgent","urgency":1,
             "household":{"adults":1,"children":0,"pets":2},"needs":{"languages":["fr"],"medicalCare":false},{{Person}}}
            """);

        Assert.Equal(["household.pets", "urgency"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(errors.Values, m => Assert.Equal("This member is not part of the contract.", Assert.Single(m)));
    }

    [Fact]
    public void Read_WrongDate_SaysTheShapeWithoutEchoingTheValue()
    {
        var errors = Errors("""
            {"caseReference":"ICC-01/04-01/06","pseudonym":"W-0421","kind":"TemporaryRelocation","priority":"Urgent",
             "household":{"adults":1,"children":0},"needs":{"languages":["fr"],"medicalCare":false},
             "protectedPerson":{"fullName":"Secret Name","dateOfBirth":"Secret birthday","currentLocation":"Secret Place","contact":"Secret Phone"}}
            """);

        var message = Assert.Single(errors["protectedPerson.dateOfBirth"]);
        Assert.Equal("'protectedPerson.dateOfBirth' must be a date such as 2026-12-01.", message);
        Assert.DoesNotContain("Secret", string.Join(" ", errors.SelectMany(e => e.Value)), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ValidBody_AnswersTheCheckedResult()
    {
        var (facts, _) = JsonBody.Read(Encoding.UTF8.GetBytes($$"""
            {"caseReference":"ICC-01/04-01/06","pseudonym":"W-0421","kind":"TemporaryRelocation","priority":"Urgent",
             "household":{"adults":1,"children":2},"needs":{"languages":["fr"],"medicalCare":false},{{Person}}}
            """), (RelocationInput input) => input.ToCommand().Validate(Today));

        Assert.Equal(3, facts.Household.Size);
    }

    [Fact]
    public void Read_NotJson_OneBodyError()
    {
        var error = Assert.Throws<DomainValidationException>(() => JsonBody.Read(Encoding.UTF8.GetBytes("{\"kind\":"), (RelocationInput input) => input));

        Assert.Equal("body", Assert.Single(error.Errors).Key);
    }
}
