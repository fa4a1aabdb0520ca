using System.Net;
using System.Text.Json;
using Bunit;
using Relocation.Web.Pages;

namespace Relocation.Web.Tests;

public sealed class NewRequestTests
{
    [Fact]
    public void Submit_EmptyForm_ShowsFieldErrorsInlineAndSendsNothing()
    {
        using var ctx = new ConsoleTestContext();
        var form = ctx.Render<NewRequest>();

        form.Find("form").Submit();

        Assert.Contains("caseReference", form.Find("#caseReference-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("pseudonym", form.Find("#pseudonym-error").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(form.Find("#fullName-error").TextContent);
        Assert.Empty(ctx.Handler.Requests);
    }

    [Fact]
    public void Submit_ApiAnswers400_ShowsEachProblemNextToItsField()
    {
        using var ctx = new ConsoleTestContext();
        var form = SubmitAnswered400(ctx,
            """{"status":400,"title":"The request is invalid.","errors":{"household.adults":["'household.adults' must be from 1 to 12."],"needs.languages":["Unknown language 'xx'."]}}""");

        form.WaitForAssertion(() => Assert.Contains("Unknown language", form.Find("#languages-error").TextContent, StringComparison.Ordinal));
        Assert.Contains("from 1 to 12", form.Find("#adults-error").TextContent, StringComparison.Ordinal);
        Assert.Single(ctx.Handler.Requests);
    }

    [Fact]
    public void Submit_ApiAnswers400ForFieldsWithoutAnInput_ListsThemInTheBanner()
    {
        using var ctx = new ConsoleTestContext();
        var form = SubmitAnswered400(ctx,
            """{"status":400,"title":"The request is invalid.","detail":"3 fields are invalid: household, needs.languages[1], pseudonym.","errors":{"household":["A household has at most 12 people."],"needs.languages[1]":["Must be an ISO 639-1 code in lower case, such as fr."],"pseudonym":["'pseudonym' must be 1 to 3 capital letters, a hyphen and 3 to 6 digits, such as W-0421."]}}""");

        form.WaitForAssertion(() => Assert.Contains("at most 12 people", form.Find("[data-test=problem-fields] [data-field=household]").TextContent, StringComparison.Ordinal));
        Assert.Single(form.FindAll("[data-test=problem-fields] li"));
        Assert.Contains("ISO 639-1", form.Find("#languages-error").TextContent, StringComparison.Ordinal);
        Assert.Contains("W-0421", form.Find("#pseudonym-error").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_Twice_SendsTheSameIdempotencyKey()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Handler.Answer(HttpStatusCode.InternalServerError, """{"status":500,"title":"An unexpected error occurred."}""", "application/problem+json");
        ctx.Handler.Answer(HttpStatusCode.InternalServerError, """{"status":500,"title":"An unexpected error occurred."}""", "application/problem+json");
        var form = ctx.Render<NewRequest>();
        Fill(form);

        form.Find("form").Submit();
        form.WaitForAssertion(() => Assert.Single(ctx.Handler.Requests));
        form.Find("form").Submit();
        form.WaitForAssertion(() => Assert.Equal(2, ctx.Handler.Requests.Count));

        var keys = ctx.Handler.Requests.Select(r => r.Request.Headers.GetValues("Idempotency-Key").Single()).ToArray();
        Assert.Equal(keys[0], keys[1]);
        Assert.Contains("An unexpected error occurred.", form.Find("[data-test=problem]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_ValidForm_SendsTheContractsBodyNotTheDomainCommand()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Handler.Answer(HttpStatusCode.Accepted, """{"id":"r1","status":"Submitted","statusUrl":"/api/relocations/r1"}""");
        var form = ctx.Render<NewRequest>();
        Fill(form);

        form.Find("form").Submit();
        form.WaitForAssertion(() => Assert.Single(ctx.Handler.Requests));

        using var body = JsonDocument.Parse(ctx.Handler.Requests[0].Body!);
        var root = body.RootElement;
        Assert.Equal(["caseReference", "pseudonym", "kind", "priority", "household", "needs", "protectedPerson"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["adults", "children"], root.GetProperty("household").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["languages", "medicalCare"], root.GetProperty("needs").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["fullName", "dateOfBirth", "currentLocation", "contact"], root.GetProperty("protectedPerson").EnumerateObject().Select(p => p.Name));
        Assert.Equal("en", root.GetProperty("needs").GetProperty("languages")[0].GetString());
    }

    /// <summary>A filled form submitted to an API that answers <paramref name="problem"/> with 400.</summary>
    private static IRenderedComponent<NewRequest> SubmitAnswered400(ConsoleTestContext ctx, string problem)
    {
        ctx.Handler.Answer(HttpStatusCode.BadRequest, problem, "application/problem+json");
        var form = ctx.Render<NewRequest>();
        Fill(form);
        form.Find("form").Submit();
        return form;
    }

    private static void Fill(IRenderedComponent<NewRequest> form)
    {
        form.Find("#caseReference").Change("ICC-01/04-01/06");
        form.Find("#pseudonym").Change("W-0421");
        form.Find("#languages").Change("en");
        form.Find("#fullName").Change("A. Person");
        form.Find("#dateOfBirth").Change("1987-04-12");
        form.Find("#currentLocation").Change("Somewhere");
        form.Find("#contact").Change("+000");
    }
}
