using Relocation.Domain.Common;

namespace Relocation.Domain.Security;

/// <summary>Who is calling: a signed-in person (or the system itself, for workflow steps), with their roles and, for a focal point, their State.</summary>
public sealed record Caller(string Subject, string Name, IReadOnlyList<string> Roles, string? StateCode)
{
    /// <summary>The workflows acting on their own, recorded as such in the audit log.</summary>
    public static readonly Caller System = new("system", "Relocation workflows", [], null);

    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.Ordinal);

    public bool IsInAnyRole(IEnumerable<string> roles) => roles.Any(IsInRole);

    /// <summary>The first role that grants access, for the audit log; a person rarely holds more than one.</summary>
    public string PrimaryRole => Roles.Count > 0 ? Roles[0] : "none";

    /// <summary>
    /// A focal point acts for its own State only. Other roles listed in <paramref name="rolesWithAnyState"/> act for every State.
    /// </summary>
    public void EnsureActsFor(string stateCode, params string[] rolesWithAnyState)
    {
        if (IsInAnyRole(rolesWithAnyState))
        {
            return;
        }

        if (IsInRole(Security.Roles.StateFocalPoint) && string.Equals(StateCode, stateCode, StringComparison.Ordinal))
        {
            return;
        }

        throw new ForbiddenException("You may act only for your own State.");
    }
}
