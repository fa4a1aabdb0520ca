using System.Text.Json;
using Relocation.Api.Problems;
using Relocation.Domain.Common;

namespace Relocation.Api.Tests.Problems;

public sealed class ProblemDetailsMapperTests
{
    public static TheoryData<Exception, int> Cases => new()
    {
        { new DomainValidationException("places", "bad"), 400 },
        { new ForbiddenException("no"), 403 },
        { new NotFoundException("none"), 404 },
        { new ConflictException("clash"), 409 },
        { new PreconditionFailedException("stale"), 412 },
        { new BodyTooLargeException(10), 413 },
        { new UnsupportedMediaTypeException("text/plain"), 415 },
        { new InvalidOperationException("secret internals: Witness X lives at Y"), 500 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromException_Kind_MapsToStatusAsProblemJson(Exception exception, int status)
    {
        var result = ProblemDetailsMapper.FromException(exception, "/api/x", "cid");

        Assert.Equal(status, result.Status);
        Assert.StartsWith("application/problem+json", result.ContentType, StringComparison.Ordinal);
        var body = JsonDocument.Parse(result.Body).RootElement;
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.Equal("cid", body.GetProperty("correlationId").GetString());
    }

    [Fact]
    public void FromException_Unexpected_HidesMessageAndStack()
    {
        var result = ProblemDetailsMapper.FromException(new InvalidOperationException("Witness X lives at Y"), "/api/x", "cid");

        var text = System.Text.Encoding.UTF8.GetString(result.Body);
        Assert.DoesNotContain("Witness", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
    }

    [Fact]
    public void FromException_Validation_ListsEachField()
    {
        var errors = new Dictionary<string, string[]> { ["a"] = ["x"], ["b[0]"] = ["y"] };

        var result = ProblemDetailsMapper.FromException(new DomainValidationException(errors), "/api/x", "cid");

        var body = JsonDocument.Parse(result.Body).RootElement.GetProperty("errors");
        Assert.Equal(["a", "b[0]"], body.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void FromException_SeveralInvalidFields_DetailNamesEachAndErrorsKeepTheFirstFirst()
    {
        var errors = new Dictionary<string, string[]> { ["pseudonym"] = ["'pseudonym' must be such as W-0421."], ["kind"] = ["x"] };

        var result = ProblemDetailsMapper.FromException(new DomainValidationException(errors), "/api/x", "cid");

        var body = JsonDocument.Parse(result.Body).RootElement;
        Assert.Equal("2 fields are invalid: pseudonym, kind.", body.GetProperty("detail").GetString());
        Assert.Equal(["pseudonym", "kind"], body.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("'pseudonym' must be such as W-0421.", "'pseudonym' must be such as W-0421.")]
    [InlineData("Must be an ISO 639-1 code.", "'pseudonym': Must be an ISO 639-1 code.")]
    public void FromException_OneInvalidField_DetailIsItsMessageNamingIt(string message, string detail)
    {
        var result = ProblemDetailsMapper.FromException(new DomainValidationException("pseudonym", message), "/api/x", "cid");

        Assert.Equal(detail, JsonDocument.Parse(result.Body).RootElement.GetProperty("detail").GetString());
    }
}
