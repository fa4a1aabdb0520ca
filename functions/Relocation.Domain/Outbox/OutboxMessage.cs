using Relocation.Domain.Security;

namespace Relocation.Domain.Outbox;

/// <summary>
/// A notification: written once to the recipient's inbox and delivered by e-mail. <see cref="Id"/> is a key derived from
/// what it is about, so writing it twice (an activity that runs again) keeps one; storage turns it into an opaque public
/// id, so the key never shows which State a message went to. Never carries protected details: pseudonyms, codes,
/// dates, household size and needs only. The recipient is an address of <see cref="Recipients"/>: a role, or the focal points of one State.
/// </summary>
public sealed record OutboxMessage(
    string Id,
    string Kind,
    string Recipient,
    string Subject,
    string? RelatedId,
    DateTimeOffset CreatedAt,
    DateOnly? DueOn)
{
    /// <summary>Plain text, a few need-to-know lines.</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>Where the recipient acts on it in the web console, relative to its root: a <see cref="ConsoleLinks"/> route (<c>/cases/{id}</c>).</summary>
    public string? Link { get; init; }
}

/// <summary>Delivery state of a notification's e-mail.</summary>
public enum DeliveryStatus
{
    Pending,
    Sent,
    Failed,
}

/// <summary>The operator's view of one notification: who (by role only), what kind, how delivery went. No subject or body.</summary>
public sealed record NotificationDelivery(string Id, string RecipientRole, string Kind, DeliveryStatus Status, int Attempts, string? LastError);

/// <summary>
/// A page of the delivery view: pending messages first, then the given-up ones, then the sent ones, newest first;
/// <see cref="NextPage"/> is the opaque cursor of the next page.
/// </summary>
public sealed record DeliveryPage(IReadOnlyList<NotificationDelivery> Items, string? NextPage);

/// <summary>One message in a caller's inbox.</summary>
public sealed record InboxItem(string Id, string Kind, string Subject, string Body, DateTimeOffset CreatedAt, bool Read, string? Link);

/// <summary>A page of an inbox, newest first; <see cref="NextPage"/> is the cursor of the next one.</summary>
public sealed record InboxPage(IReadOnlyList<InboxItem> Items, string? NextPage);

/// <summary>Notifications: written by the workflows, delivered by the relay.</summary>
public interface IOutbox
{
    /// <summary>Adds the message, its inbox entry and its delivery, unless one with its key exists.</summary>
    Task AddAsync(OutboxMessage message, CancellationToken cancellationToken);

    /// <summary>Messages whose e-mail is not delivered yet, oldest key first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListPendingAsync(int max, CancellationToken cancellationToken);

    /// <summary>
    /// Delivery status of notifications, optionally of one status only, one page of at most <paramref name="pageSize"/>:
    /// <paramref name="page"/> is a previous page's <see cref="DeliveryPage.NextPage"/> (a token not from one is refused).
    /// </summary>
    Task<DeliveryPage> ListDeliveriesAsync(DeliveryStatus? status, string? page, int pageSize, CancellationToken cancellationToken);
}

/// <summary>The in-app inbox of each recipient address.</summary>
public interface IInbox
{
    /// <summary>Newest first across <paramref name="recipients"/>; <paramref name="after"/> is a previous page's cursor.</summary>
    Task<InboxPage> ListAsync(IReadOnlyList<string> recipients, bool unreadOnly, string? after, int pageSize, CancellationToken cancellationToken);

    /// <summary>Marks the message read if it is in one of <paramref name="recipients"/>' inboxes; false when it is not there.</summary>
    Task<bool> MarkReadAsync(IReadOnlyList<string> recipients, string id, CancellationToken cancellationToken);
}

/// <summary>Recipient addresses: a role for the Court's teams, <c>State.FocalPoint:NOR</c> for a State's focal points.</summary>
public static class Recipients
{
    public const string Vwu = Roles.VwuOfficer;
    public const string Registry = Roles.RegistryAdmin;
    public const string Finance = Roles.FinanceOfficer;

    public static string FocalPoints(string stateCode) => $"{Roles.StateFocalPoint}:{stateCode}";

    /// <summary>The role part of an address, the only part the operator's delivery view shows.</summary>
    public static string RoleOf(string recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        var colon = recipient.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? recipient : recipient[..colon];
    }

    /// <summary>The State of a focal-point address, or null.</summary>
    public static string? StateOf(string recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return recipient.StartsWith(Roles.StateFocalPoint + ":", StringComparison.Ordinal) ? recipient[(Roles.StateFocalPoint.Length + 1)..] : null;
    }

    /// <summary>The addresses whose messages a caller may read: one per role it holds (a focal point only with its State).</summary>
    public static IReadOnlyList<string> Of(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var addresses = new List<string>();
        foreach (var role in caller.Roles.Distinct(StringComparer.Ordinal))
        {
            if (role == Roles.StateFocalPoint)
            {
                if (!string.IsNullOrEmpty(caller.StateCode))
                {
                    addresses.Add(FocalPoints(caller.StateCode));
                }
            }
            else if (role is Roles.VwuOfficer or Roles.RegistryAdmin or Roles.FinanceOfficer or Roles.Auditor)
            {
                addresses.Add(role);
            }
        }

        return addresses;
    }
}
