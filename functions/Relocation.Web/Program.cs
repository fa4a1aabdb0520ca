using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.FluentUI.AspNetCore.Components;
using Relocation.Web;
using Relocation.Web.Services;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// Same origin as /api: the console is served by the host that serves the API, so no CORS and no configured address.
builder.Services.AddScoped(_ => new HttpClient { BaseAddress = new Uri(builder.HostEnvironment.BaseAddress) });
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<Session>();
builder.Services.AddSingleton<Text>();
builder.Services.AddScoped<ApiClient>();
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
        options.ProviderOptions.DefaultScopes.Add($"api://{auth.ApiClientId}/.default");
        options.UserOptions.RoleClaim = "roles";
    });
}

await builder.Build().RunAsync();
