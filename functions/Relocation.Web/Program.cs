using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.FluentUI.AspNetCore.Components;
using Relocation.Web;
using Relocation.Web.Services;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// Locally the console and /api share an origin (the local host serves both). In Azure the console is a Static Web App
// and calls the Function App directly (Api:BaseUrl in its appsettings.json; the Function App allows that one origin):
// a Static Web App's own /api proxy would replace the Authorization header (docs/deploy.md).
var apiBase = builder.Configuration["Api:BaseUrl"] is { Length: > 0 } configured ? configured.TrimEnd('/') + "/" : builder.HostEnvironment.BaseAddress;
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = new Uri(apiBase) });
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<Session>();
builder.Services.AddSingleton<Text>();
builder.Services.AddScoped<ApiClient>();
builder.Services.AddScoped<UnreadMessages>();
builder.Services.AddFluentUIComponents();

// appsettings.json is written by whoever serves the console: the local host answers Development; in Azure it names the
// Entra ID app, and the console signs in with OpenID Connect (authorization code + PKCE) instead of the /signin page.
var auth = ConsoleAuth.From(builder.Configuration);
builder.Services.AddSingleton(auth);
if (auth.IsEntra)
{
    builder.Services.AddOidcAuthentication(options =>
    {
        builder.Configuration.Bind("Auth:Oidc", options.ProviderOptions);
        options.ProviderOptions.ResponseType = "code";
        // <Application ID URI>/.default (ConsoleAuth.ScopeOf); a settings file naming no API signs in without one.
        if (auth.ApiScope is { } scope)
        {
            options.ProviderOptions.DefaultScopes.Add(scope);
        }

        options.UserOptions.RoleClaim = "roles";
    });
    builder.Services.AddScoped<EntraSession>();
}

await builder.Build().RunAsync();
