using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Relocation.Domain.Security;

namespace Relocation.Api.Security;

/// <summary>
/// Validates JWTs the same way in both hosts. Done here rather than by ASP.NET authentication middleware because the
/// Functions isolated worker does not run that middleware for HTTP triggers.
/// </summary>
internal sealed class TokenValidator : ITokenValidator
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;

    public TokenValidator(IOptions<AuthOptions> options)
    {
        var o = options.Value;
        _parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidAudience = o.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromMinutes(2),
            NameClaimType = ClaimNames.Name,
            RoleClaimType = ClaimNames.Roles,
        };

        if (o.Mode == AuthMode.Development)
        {
            _parameters.ValidIssuer = o.Issuer;
            _parameters.IssuerSigningKey = DevelopmentKey(o);
            _parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            var authority = $"https://login.microsoftonline.com/{o.TenantId}/v2.0";
            _parameters.ValidIssuers = [o.Issuer ?? authority, $"https://sts.windows.net/{o.TenantId}/"];
            _parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
            _parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                $"{authority}/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = true });
        }
    }

    public async Task<Caller?> ValidateAsync(string? authorizationHeader, CancellationToken cancellationToken)
    {
        const string scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = authorizationHeader[scheme.Length..].Trim();
        if (token.Length is 0 or > 16 * 1024)
        {
            return null;
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid)
        {
            return null;
        }

        var identity = result.ClaimsIdentity;
        var subject = identity.FindFirst(ClaimNames.ObjectId)?.Value ?? identity.FindFirst(ClaimNames.Subject)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var name = identity.FindFirst(ClaimNames.Name)?.Value ?? identity.FindFirst(ClaimNames.PreferredUserName)?.Value ?? subject;
        var roles = identity.FindAll(ClaimNames.Roles).Select(c => c.Value).Where(Roles.All.Contains).Distinct().ToArray();
        var state = identity.FindFirst(ClaimNames.State)?.Value;
        return new Caller(subject, name, roles, string.IsNullOrEmpty(state) ? null : state);
    }

    internal static SymmetricSecurityKey DevelopmentKey(AuthOptions options) =>
        new(Encoding.UTF8.GetBytes(options.DevelopmentSigningKey ?? string.Empty)) { KeyId = "development" };
}
