using Microsoft.Extensions.Configuration;

namespace Relocation.Web.Services;

/// <summary>How the console signs in, from the appsettings.json its host serves: Development (the /signin page) or EntraId.</summary>
public sealed record ConsoleAuth(string Mode, string? ApiClientId)
{
    public bool IsDevelopment => string.Equals(Mode, "Development", StringComparison.Ordinal);

    public bool IsEntra => string.Equals(Mode, "EntraId", StringComparison.Ordinal);

    public static ConsoleAuth From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new(configuration["Auth:Mode"] ?? "EntraId", configuration["Auth:ApiClientId"]);
    }
}
