namespace Relocation.Web.Services;

/// <summary>
/// Who is signed in, kept in memory only: the token is never written to localStorage, sessionStorage, a cookie or the
/// URL, so closing or reloading the tab signs out and nothing is left behind on a shared computer. In Entra ID mode
/// there is no token here (the access-token provider hands one to each call) and <see cref="EntraSession"/> fills the rest.
/// </summary>
public sealed class Session
{
    public string? Token { get; private set; }

    /// <summary>The user's app roles; an Entra ID account may hold several, a development sign-in holds one.</summary>
    public IReadOnlyList<string> Roles { get; private set; } = [];

    /// <summary>The first of <see cref="Roles"/>: the one whose home page "Continue" opens.</summary>
    public string? Role => Roles.Count > 0 ? Roles[0] : null;

    public string? StateCode { get; private set; }

    public string? Name { get; private set; }

    /// <summary>True once signed in, even with no app role (an Entra ID account nobody assigned yet).</summary>
    public bool SignedIn { get; private set; }

    public event Action? Changed;

    public void SignIn(string? token, string role, string? stateCode, string? name) => SignIn(token, [role], stateCode, name);

    public void SignIn(string? token, IReadOnlyList<string> roles, string? stateCode, string? name)
    {
        ArgumentNullException.ThrowIfNull(roles);
        Token = token;
        Roles = roles;
        StateCode = stateCode;
        Name = name;
        SignedIn = true;
        Changed?.Invoke();
    }

    public void SignOut()
    {
        Token = null;
        Roles = [];
        StateCode = null;
        Name = null;
        SignedIn = false;
        Changed?.Invoke();
    }

    public bool Is(string role) => Roles.Contains(role, StringComparer.Ordinal);
}
