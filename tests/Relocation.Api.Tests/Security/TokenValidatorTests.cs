using Microsoft.Extensions.Options;
using Relocation.Api.Security;
using Relocation.Domain.Security;

namespace Relocation.Api.Tests.Security;

public sealed class TokenValidatorTests
{
    private static readonly AuthOptions Options = new()
    {
        Mode = AuthMode.Development,
        Issuer = "relocation-local",
        Audience = "api://relocation",
        DevelopmentSigningKey = "a-test-signing-key-that-is-long-enough-0123456789",
    };

    private static TokenValidator Validator(AuthOptions? options = null) => new(Microsoft.Extensions.Options.Options.Create(options ?? Options));

    [Fact]
    public async Task ValidateAsync_IssuedToken_GivesRoleStateAndSubject()
    {
        var token = DevelopmentTokenIssuer.Issue(Options, Roles.StateFocalPoint, "NOR", "Kari", TimeSpan.FromMinutes(5), "subject-1");

        var caller = await Validator().ValidateAsync($"Bearer {token}", CancellationToken.None);

        Assert.NotNull(caller);
        Assert.Equal(("subject-1", "Kari", "NOR"), (caller.Subject, caller.Name, caller.StateCode));
        Assert.Equal([Roles.StateFocalPoint], caller.Roles);
    }

    [Fact]
    public async Task ValidateAsync_OtherAudience_IsRejected()
    {
        var token = DevelopmentTokenIssuer.Issue(Options, Roles.Auditor, null, null, TimeSpan.FromMinutes(5));

        var caller = await Validator(new AuthOptions { Issuer = Options.Issuer, Audience = "api://other", DevelopmentSigningKey = Options.DevelopmentSigningKey })
            .ValidateAsync($"Bearer {token}", CancellationToken.None);

        Assert.Null(caller);
    }

    [Fact]
    public async Task ValidateAsync_Expired_IsRejected()
    {
        var token = DevelopmentTokenIssuer.Issue(Options, Roles.Auditor, null, null, TimeSpan.FromMinutes(-10));

        Assert.Null(await Validator().ValidateAsync($"Bearer {token}", CancellationToken.None));
    }

    [Fact]
    public async Task ValidateAsync_TamperedPayload_IsRejected()
    {
        var token = DevelopmentTokenIssuer.Issue(Options, Roles.Auditor, null, null, TimeSpan.FromMinutes(5));
        var parts = token.Split('.');
        var forgedPayload = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("""{"sub":"x","roles":"Registry.Admin","iss":"relocation-local","aud":"api://relocation","exp":4102444800}""")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Null(await Validator().ValidateAsync($"Bearer {parts[0]}.{forgedPayload}.{parts[2]}", CancellationToken.None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer")]
    [InlineData("Basic abc")]
    public async Task ValidateAsync_MissingOrOtherScheme_IsRejected(string? header)
    {
        Assert.Null(await Validator().ValidateAsync(header, CancellationToken.None));
    }

    [Fact]
    public void Issue_UnknownRole_IsRejected()
    {
        Assert.Throws<Relocation.Domain.Common.DomainValidationException>(() => DevelopmentTokenIssuer.Issue(Options, "Root", null, null, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Options_DevelopmentModeWithShortKey_FailsValidation()
    {
        var options = new AuthOptions { Audience = "a", Issuer = "i", DevelopmentSigningKey = "short" };

        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();

        Assert.Contains(results, r => r.MemberNames.Contains(nameof(AuthOptions.DevelopmentSigningKey)));
    }
}
