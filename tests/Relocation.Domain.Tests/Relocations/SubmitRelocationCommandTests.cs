using Relocation.Domain.Common;
using Relocation.Domain.Relocations;

namespace Relocation.Domain.Tests.Relocations;

public sealed class SubmitRelocationCommandTests
{
    private static readonly DateOnly Today = new(2026, 11, 28);

    private static SubmitRelocationCommand Valid() => new("ICC-01/04-01/06", "W-0421", Domain.Capacities.RelocationKind.TemporaryRelocation, RelocationPriority.Emergency,
        new HouseholdFields(2, 1), new NeedsFields(["fr", "en"], false), new ProtectedPersonFields("Secret Name", new DateOnly(1987, 4, 12), "Secret Place", "Secret Phone"));

    [Fact]
    public void Validate_ValidRequest_SeparatesFactsFromProtectedDetails()
    {
        var (facts, person) = Valid().Validate(Today);

        Assert.Equal(3, facts.Household.Size);
        Assert.Equal(["fr", "en"], facts.Needs.Languages);
        Assert.Equal("Secret Name", person.FullName);
    }

    public static TheoryData<string, Func<SubmitRelocationCommand, SubmitRelocationCommand>> Invalid => new()
    {
        { "caseReference", i => i with { CaseReference = "<script>" } },
        { "caseReference", i => i with { CaseReference = new string('A', 65) } },
        { "pseudonym", i => i with { Pseudonym = "Amina" } },
        { "pseudonym", i => i with { Pseudonym = "W-12" } },
        { "kind", i => i with { Kind = null } },
        { "priority", i => i with { Priority = (RelocationPriority)9 } },
        { "household.adults", i => i with { Household = new HouseholdFields(0, 1) } },
        { "household.children", i => i with { Household = new HouseholdFields(1, -1) } },
        { "household", i => i with { Household = new HouseholdFields(30, 21) } },
        { "needs.languages[0]", i => i with { Needs = new NeedsFields(["french"], false) } },
        { "needs.languages", i => i with { Needs = new NeedsFields(null, false) } },
        { "needs.medicalCare", i => i with { Needs = new NeedsFields(["fr"], null) } },
        { "protectedPerson", i => i with { ProtectedPerson = null } },
        { "protectedPerson.fullName", i => i with { ProtectedPerson = i.ProtectedPerson! with { FullName = " " } } },
        { "protectedPerson.dateOfBirth", i => i with { ProtectedPerson = i.ProtectedPerson! with { DateOfBirth = Today.AddDays(1) } } },
        { "protectedPerson.currentLocation", i => i with { ProtectedPerson = i.ProtectedPerson! with { CurrentLocation = new string('x', 501) } } },
        { "protectedPerson.contact", i => i with { ProtectedPerson = i.ProtectedPerson! with { Contact = "Secret\u0001Phone" } } },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_InvalidField_NamesItWithoutEchoingProtectedValues(string field, Func<SubmitRelocationCommand, SubmitRelocationCommand> change)
    {
        var ex = Assert.Throws<DomainValidationException>(() => change(Valid()).Validate(Today));

        Assert.Contains(field, ex.Errors.Keys);
        var text = string.Join(" ", ex.Errors.SelectMany(e => e.Value)) + ex.Message;
        Assert.DoesNotContain("Secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("xxxxxxxx", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("W-1")]
    [InlineData("w-0421")]
    [InlineData("Amina")]
    public void Validate_MalformedPseudonym_SaysWhatItMustBeNotThatItIsMissing(string pseudonym)
    {
        var ex = Assert.Throws<DomainValidationException>(() => (Valid() with { Pseudonym = pseudonym }).Validate(Today));

        var message = Assert.Single(ex.Errors["pseudonym"]);
        Assert.DoesNotContain("required", message, StringComparison.Ordinal);
        Assert.Contains("W-0421", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(" ")]
    public void Validate_MissingPseudonym_SaysItIsRequired(string? pseudonym)
    {
        var ex = Assert.Throws<DomainValidationException>(() => (Valid() with { Pseudonym = pseudonym }).Validate(Today));

        Assert.StartsWith("'pseudonym' is required", Assert.Single(ex.Errors["pseudonym"]), StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<SubmitRelocationCommand, SubmitRelocationCommand>> PresentButWrong => new()
    {
        { "caseReference", i => i with { CaseReference = "<script>" } },
        { "protectedPerson.dateOfBirth", i => i with { ProtectedPerson = i.ProtectedPerson! with { DateOfBirth = Today.AddDays(1) } } },
        { "consent.givenOn", i => i with { Consent = new ConsentCommand(Today.AddDays(1), "VWU officer", "Relocation") } },
    };

    [Theory]
    [MemberData(nameof(PresentButWrong))]
    public void Validate_PresentButWrongValue_NotAnsweredAsRequired(string field, Func<SubmitRelocationCommand, SubmitRelocationCommand> change)
    {
        var ex = Assert.Throws<DomainValidationException>(() => change(Valid()).Validate(Today));

        Assert.DoesNotContain("required", Assert.Single(ex.Errors[field]), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralInvalidFields_NamesEachAtOnce()
    {
        var ex = Assert.Throws<DomainValidationException>(() =>
            (Valid() with { Pseudonym = "W-1", CaseReference = null, Household = new HouseholdFields(0, 0) }).Validate(Today));

        Assert.Equal(["caseReference", "household.adults", "pseudonym"], ex.Errors.Keys.Order(StringComparer.Ordinal));
    }
}
