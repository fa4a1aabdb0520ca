namespace Relocation.Domain.Outbox;

/// <summary>
/// Where a notification leads in the web console: the routes the console's pages answer on, in one place so that the
/// workflows writing a message, the relay mailing it and the console's inbox agree. A stored message keeps the link it
/// was written with, and messages written before these routes carry API-like paths the console never had
/// (<c>/relocations/{id}</c>, <c>/states/{code}/capacity</c>, <c>/agreements/{id}</c>, <c>/fund/reports/{id}</c>,
/// <c>/fund</c>), and a focal point's messages about a case placed in its State linked to the inbox before the placement
/// page: <see cref="Route"/> turns any stored link into a console route, so old messages still lead somewhere.
/// </summary>
public static class ConsoleLinks
{
    /// <summary>The caller's messages: for anything with no better page (a team that cannot open the case, a notice).</summary>
    public const string Inbox = "/inbox";

    /// <summary>A focal point's open offer requests, answered there.</summary>
    public const string OfferRequests = "/focal/offers";

    /// <summary>A focal point's capacity, reconfirmed there.</summary>
    public const string Capacity = "/focal/capacity";

    public const string FundBalance = "/finance/balance";

    public const string FundReports = "/finance/reports";

    /// <summary>A case page (VWU only).</summary>
    public static string Case(string relocationId) => "/cases/" + Uri.EscapeDataString(relocationId);

    /// <summary>
    /// A case placed in the focal point's State, seen by that State's focal point: the extension answer and the
    /// withdrawal (the case page is VWU's only; this page shows no protected detail).
    /// </summary>
    public static string Placement(string relocationId) => "/focal/placements/" + Uri.EscapeDataString(relocationId);

    /// <summary>
    /// The kinds written only to the receiving State's focal points about a case placed there (an extension request, the
    /// end of the protection): they lead to <see cref="Placement"/> when their link names the case.
    /// </summary>
    public static bool IsPlacementKind(string? kind) => kind is "ExtensionRequest" or "ProtectionEnded";

    /// <summary>An agreement page (Registry only).</summary>
    public static string Agreement(string agreementId) => "/registry/agreements/" + Uri.EscapeDataString(agreementId);

    /// <summary>
    /// The console route for a stored link: today's routes as they are, the old forms mapped, and anything else (none,
    /// unknown, another site's address) to the inbox, so a link is never followed off the console. <paramref name="kind"/>
    /// places offer requests written when every focal point message linked to the inbox.
    /// </summary>
    public static string Route(string? kind, string? link)
    {
        var segments = Segments(link);
        return segments switch
        {
            ["inbox"] when kind is "OfferRequest" or "OfferRequestReminder" => OfferRequests,
            ["focal", "offers"] => OfferRequests,
            ["focal", "capacity"] or ["states", _, "capacity"] => Capacity,
            ["focal", "placements", var id] when IsId(id) => Placement(id),
            // A placement message is read by a focal point, who cannot open the case page; stored ones linked to the
            // inbox (no id there: they stay in the inbox).
            ["cases" or "relocations", var id] when IsId(id) && IsPlacementKind(kind) => Placement(id),
            ["cases" or "relocations", var id] when IsId(id) => Case(id),
            ["registry", "agreements", var id] when IsId(id) => Agreement(id),
            ["agreements", var id] when IsId(id) => Agreement(id),
            ["finance", "balance"] or ["fund"] => FundBalance,
            ["finance", "reports"] or ["fund", "reports", _] => FundReports,
            _ => Inbox,
        };
    }

    // A path on this site only: one leading slash, no scheme, host, backslash, query or fragment.
    private static string[] Segments(string? link) =>
        link is { Length: > 1 and <= 200 } && link[0] == '/' && link[1] != '/' && link.AsSpan().IndexOfAny(":\\?#%") < 0
            ? link[1..].Split('/')
            : [];

    // Ids are opaque keys the server made: letters, digits, '-' and '_'.
    private static bool IsId(string text) =>
        text.Length is > 0 and <= 100 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
