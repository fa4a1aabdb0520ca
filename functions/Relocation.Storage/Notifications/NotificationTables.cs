using System.Security.Cryptography;
using System.Text;

namespace Relocation.Storage.Notifications;

/// <summary>
/// Three small tables: every notification by its id (point reads only), the ids still to be delivered (one partition,
/// rows deleted once sent or dead-lettered, so the relay's scan stays as small as the backlog: Azurite scans a whole
/// table for any non-point query), and each recipient's inbox, newest first.
/// </summary>
public static class NotificationTables
{
    public const string Messages = "Notifications";
    public const string Pending = "NotificationsPending";
    public const string Inbox = "Inbox";

    /// <summary>Delivered and given-up messages by status (partition <c>Sent</c> or <c>Failed</c>), newest first: <see cref="DeliveryIndex"/>.</summary>
    public const string ByStatus = "NotificationsByStatus";

    /// <summary>The one partition of <see cref="Pending"/>.</summary>
    public const string PendingPartition = "p";

    /// <summary>
    /// The public id: 32 hex digits derived from the key. The key (e.g. <c>relocation-…-OfferNoLongerNeeded-NOR</c>) names
    /// the State; the id does not, so the operator's view cannot tell who received a person.
    /// </summary>
    public static string IdFor(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
    }

    /// <summary>An inbox row key: newest first (inverted time), unique per message, 32 hex digits like every API id.</summary>
    public static string InboxRowKey(DateTimeOffset createdAt, string id) =>
        $"{(ulong)(DateTimeOffset.MaxValue.UtcTicks - createdAt.UtcTicks):x16}{id[..16]}";
}
