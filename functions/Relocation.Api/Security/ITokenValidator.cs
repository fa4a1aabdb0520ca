using Relocation.Domain.Security;

namespace Relocation.Api.Security;

/// <summary>Turns a bearer token into a <see cref="Caller"/>, or null when it is missing, forged or expired.</summary>
public interface ITokenValidator
{
    Task<Caller?> ValidateAsync(string? authorizationHeader, CancellationToken cancellationToken);
}
