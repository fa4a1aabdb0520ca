using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Authorization;
using Relocation.Domain.Security;

namespace Relocation.Web.Services;

/// <summary>
/// Entra ID mode: <see cref="Session"/> is derived from the signed-in user each time the authentication library reports
/// a change (sign-in, sign-out, a renewed user), never stored beside it. The library owns the user and its tokens; a
/// second, separately kept copy could disagree with it (a role still shown after sign-out, none after a reload), so the
/// session is only ever a reading of the library's current user. Tokens stay with the library's access-token provider,
/// which <see cref="ApiClient"/> asks on every call.
/// </summary>
public sealed class EntraSession(AuthenticationStateProvider provider, Session session) : IDisposable
{
    // The claim names the API reads (Relocation.Api.Security.ClaimNames): the console shows what the API will allow.
    private const string RolesClaim = "roles";
    private const string StateClaim = "state";
    private const string NameClaim = "name";
    private const string PreferredUserNameClaim = "preferred_username";

    private bool _started;

    /// <summary>False until the first user (signed in or not) is known: pages wait for it, so a focal page never asks for State "".</summary>
    public bool Known { get; private set; }

    /// <summary>Reads the current user once and follows every later change.</summary>
    public async Task StartAsync()
    {
        if (!_started)
        {
            _started = true;
            provider.AuthenticationStateChanged += OnChanged;
            Apply(await provider.GetAuthenticationStateAsync());
        }
    }

    public void Dispose() => provider.AuthenticationStateChanged -= OnChanged;

    private void OnChanged(Task<AuthenticationState> state) => _ = ApplyAsync(state);

    private async Task ApplyAsync(Task<AuthenticationState> state) => Apply(await state);

    private void Apply(AuthenticationState state)
    {
        Known = true;
        var user = state.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            if (session.SignedIn)
            {
                session.SignOut();
            }

            return;
        }

        var roles = RolesOf(user);
        var stateCode = user.FindFirst(StateClaim)?.Value;
        var name = user.FindFirst(NameClaim)?.Value ?? user.FindFirst(PreferredUserNameClaim)?.Value;
        // A renewed user with the same roles, State and name changes nothing: no re-render, no new unread-count call.
        if (!session.SignedIn || !session.Roles.SequenceEqual(roles) || session.StateCode != stateCode || session.Name != name)
        {
            session.SignIn(null, roles, stateCode, name);
        }
    }

    /// <summary>
    /// The known app roles, in the contract's order. The library turns a token's <c>roles</c> array into one claim whose
    /// value is that JSON array; other providers give one claim per role. Both are read.
    /// </summary>
    internal static IReadOnlyList<string> RolesOf(ClaimsPrincipal user)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in user.FindAll(RolesClaim))
        {
            var value = claim.Value.Trim();
            if (value.StartsWith('['))
            {
                found.UnionWith(FromJsonArray(value));
            }
            else
            {
                found.Add(value);
            }
        }

        return [.. Roles.All.Where(found.Contains)];
    }

    private static IEnumerable<string> FromJsonArray(string value)
    {
        try
        {
            using var array = JsonDocument.Parse(value);
            return [.. array.RootElement.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)];
        }
        catch (JsonException)
        {
            // Not a JSON array: no role from this claim (an unknown role would be ignored anyway).
            return [];
        }
    }
}
