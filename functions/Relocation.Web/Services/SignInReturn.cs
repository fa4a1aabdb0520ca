using Microsoft.AspNetCore.Components;

namespace Relocation.Web.Services;

/// <summary>
/// Back to the page that asked for a sign-in: a link from a mail or the inbox opened in a fresh tab lands on a page whose
/// calls answer 401; signing in from there returns to it instead of the role's home page.
/// </summary>
public static class SignInReturn
{
    /// <summary>The sign-in page's link carrying the current page (none from the home or the sign-in page itself).</summary>
    public static string Link(NavigationManager navigation)
    {
        ArgumentNullException.ThrowIfNull(navigation);
        var here = navigation.ToBaseRelativePath(navigation.Uri);
        return Safe(here) is { } path ? "signin?returnUrl=" + Uri.EscapeDataString(path) : "signin";
    }

    /// <summary>
    /// <paramref name="returnUrl"/> when it is a page of this console (a path relative to its base), else null: a link
    /// crafted to send someone elsewhere after signing in (<c>https://…</c>, <c>//host</c>, <c>\\host</c>) is ignored.
    /// </summary>
    public static string? Safe(string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(returnUrl))
        {
            return null;
        }

        var path = returnUrl.Trim();
        var bare = path.Split('?', '#')[0];
        return path.StartsWith('/') || path.StartsWith('\\') || path.Contains(':', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal)
            || bare.Length == 0 || bare.Equals("signin", StringComparison.OrdinalIgnoreCase)
                ? null
                : path;
    }
}
