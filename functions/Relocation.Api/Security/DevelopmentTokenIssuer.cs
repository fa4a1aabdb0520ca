using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Relocation.Domain.Common;
using Relocation.Domain.Security;

namespace Relocation.Api.Security;

/// <summary>Mints tokens signed with the development key, for the local host's <c>token</c> command and for tests.</summary>
public static class DevelopmentTokenIssuer
{
    public static string Issue(AuthOptions options, string role, string? stateCode, string? name, TimeSpan lifetime, string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode != AuthMode.Development || (options.AzureMarker ?? AuthOptions.DetectAzure(Environment.GetEnvironmentVariable)) is not null)
        {
            throw new InvalidOperationException("Tokens can be minted only in Development mode, never in Azure; there, Entra ID issues them.");
        }

        if (!Roles.All.Contains(role))
        {
            throw new DomainValidationException("role", $"Unknown role; use one of {string.Join(", ", Roles.All)}.");
        }

        if (stateCode is not null && !IsoCodes.IsCountry(stateCode))
        {
            throw new DomainValidationException("state", "Must be an ISO 3166-1 alpha-3 code in upper case.");
        }

        var displayName = name ?? (stateCode is null ? role : $"{role} {stateCode}");
        var claims = new List<Claim>
        {
            new(ClaimNames.Subject, subject ?? $"dev-{role.ToLowerInvariant()}-{(stateCode ?? "all").ToLowerInvariant()}-{Slug(displayName)}"),
            new(ClaimNames.Name, displayName),
            new(ClaimNames.Roles, role),
        };
        if (stateCode is not null)
        {
            claims.Add(new Claim(ClaimNames.State, stateCode));
        }

        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(TokenValidator.DevelopmentKey(options), SecurityAlgorithms.HmacSha256),
        });
    }

    private static string Slug(string text) =>
        new(text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').Take(40).ToArray());
}
