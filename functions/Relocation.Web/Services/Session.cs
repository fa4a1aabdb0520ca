namespace Relocation.Web.Services;

/// <summary>
/// Who is signed in, kept in memory only: the token is never written to localStorage, sessionStorage, a cookie or the
/// URL, so closing or reloading the tab signs out and nothing is left behind on a shared computer.
/// </summary>
public sealed class Session
{
    public string? Token { get; private set; }

    public string? Role { get; private set; }

    public string? StateCode { get; private set; }

    public string? Name { get; private set; }

    public bool SignedIn => Role is not null;

    public event Action? Changed;

    public void SignIn(string? token, string role, string? stateCode, string? name)
    {
        Token = token;
        Role = role;
        StateCode = stateCode;
        Name = name;
        Changed?.Invoke();
    }

    public void SignOut()
    {
        Token = null;
        Role = null;
        StateCode = null;
        Name = null;
        Changed?.Invoke();
    }

    public bool Is(string role) => string.Equals(Role, role, StringComparison.Ordinal);
}
