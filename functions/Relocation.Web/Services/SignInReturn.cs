using Microsoft.AspNetCore.Components;

namespace Relocation.Web.Services;

/// <summary>
/// Back to the page that asked for a sign-in: a link from a mail or the inbox opened in a fresh tab lands on a page whose
/// calls answer 401; signing in from there returns to it instead of the role's home page.
/// </summary>
public static class SignInReturn
{
    /// <summary>
    /// The sign-in link carrying the current page (none from the home or the sign-in page itself): the /signin page in
    /// Development mode; in Entra ID mode the library's login page, whose <c>returnUrl</c> must be an absolute address
    /// of this console (it refuses any other) and never one of its own authentication pages.
    /// </summary>
    public static string Link(NavigationManager navigation, ConsoleAuth auth)
    {
        ArgumentNullException.ThrowIfNull(navigation);
        ArgumentNullException.ThrowIfNull(auth);
        var here = Safe(navigation.ToBaseRelativePath(navigation.Uri));
        if (auth.IsEntra)
        {
            return here is not null && !here.StartsWith("authentication/", StringComparison.OrdinalIgnoreCase)
                ? "authentication/login?returnUrl=" + Uri.EscapeDataString(navigation.BaseUri + here)
                : "authentication/login";
        }

        return here is not null ? "signin?returnUrl=" + Uri.EscapeDataString(here) : "signin";
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
