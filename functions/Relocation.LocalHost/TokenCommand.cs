using Relocation.Api.Security;

namespace Relocation.LocalHost;

/// <summary><c>token --role R [--state ISO3] [--name TEXT]</c>: prints a development token and nothing else, so it can be captured by a shell.</summary>
internal static class TokenCommand
{
    public static int Run(LocalHostArguments arguments)
    {
        var configuration = new ConfigurationBuilder()
            .AddLocalSettingsSample(RepositoryPaths.SettingsSample)
            .AddEnvironmentVariables()
            .Build();
        var options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        if (arguments.Role == Domain.Security.Roles.StateFocalPoint && string.IsNullOrEmpty(arguments.State))
        {
            // The same rule as the console's /dev/token: without a state claim every route of a State refuses the token.
            Console.Error.WriteLine("state: A focal point acts for a State: give its ISO 3166-1 alpha-3 code with --state, such as --state NOR.");
            return 2;
        }

        try
        {
            Console.WriteLine(DevelopmentTokenIssuer.Issue(options, arguments.Role!, arguments.State, arguments.Name, TimeSpan.FromHours(12)));
            return 0;
        }
        catch (Domain.Common.DomainValidationException ex)
        {
            Console.Error.WriteLine(string.Join(Environment.NewLine, ex.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
            return 2;
        }
    }
}
