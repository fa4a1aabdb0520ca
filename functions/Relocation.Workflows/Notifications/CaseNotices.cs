using System.Globalization;
using System.Text;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.Security;

namespace Relocation.Workflows.Notifications;

/// <summary>
/// The text of every message about a case, in one place so what a message may say is reviewed once: the pseudonym,
/// priority, kind, household size, needs and deadline (in UTC, said so), and a console link; never the protected
/// person's details (the case's facts do not hold them), and never the receiving State except to VWU.
/// </summary>
public static class CaseNotices
{
    /// <summary>Where a team or focal point reads a message that has no better page in the console (console routes: <see cref="ConsoleLinks"/>).</summary>
    public const string InboxLink = ConsoleLinks.Inbox;

    /// <summary>The case page: only for VWU, the one role that can open it.</summary>
    public static string CaseLink(string relocationId) => ConsoleLinks.Case(relocationId);

    public static string Deadline(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>The need-to-know lines a State decides on.</summary>
    public static string Facts(RelocationFacts facts, DateTimeOffset? deadline)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Request: {facts.Pseudonym}\n")
            .Append(CultureInfo.InvariantCulture, $"Priority: {facts.Priority}\n")
            .Append(CultureInfo.InvariantCulture, $"Kind: {facts.Kind}\n")
            .Append(CultureInfo.InvariantCulture, $"Household: {facts.Household.Size} person(s) ({facts.Household.Adults} adult(s), {facts.Household.Children} child(ren))\n")
            .Append(CultureInfo.InvariantCulture, $"Languages: {(facts.Needs.Languages.Count == 0 ? "none stated" : string.Join(", ", facts.Needs.Languages))}\n")
            .Append(CultureInfo.InvariantCulture, $"Medical care needed: {(facts.Needs.MedicalCare ? "yes" : "no")}\n");
        if (deadline is { } d)
        {
            text.Append(CultureInfo.InvariantCulture, $"Answer by: {Deadline(d)}\n");
        }

        return text.ToString();
    }

    public static OutboxMessage OfferRequest(RelocationCase relocation, RoundRecord round, string stateCode, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(round);
        var f = relocation.Facts;
        return new OutboxMessage(
            $"relocation-{relocation.Id}-round{round.Number}-{stateCode}",
            "OfferRequest",
            Recipients.FocalPoints(stateCode),
            $"{f.Priority} offer request {f.Pseudonym}: household of {f.Household.Size}; answer by {Deadline(round.Deadline)}.",
            relocation.Id,
            now,
            DateOnly.FromDateTime(round.Deadline.UtcDateTime))
        {
            Body = "The International Criminal Court asks whether your State can offer a place for this relocation.\n\n" + Facts(f, round.Deadline),
            Link = ConsoleLinks.OfferRequests,
        };
    }

    public static OutboxMessage OfferRequestReminder(RelocationCase relocation, RoundRecord round, string stateCode, int percent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(round);
        var f = relocation.Facts;
        return new OutboxMessage(
            $"relocation-{relocation.Id}-round{round.Number}-reminder{percent}-{stateCode}",
            "OfferRequestReminder",
            Recipients.FocalPoints(stateCode),
            $"Reminder: {f.Priority} offer request {f.Pseudonym} awaits your answer by {Deadline(round.Deadline)}.",
            relocation.Id,
            now,
            DateOnly.FromDateTime(round.Deadline.UtcDateTime))
        {
            Body = $"{percent}% of the time to answer has passed and your State has not answered yet.\n\n" + Facts(f, round.Deadline),
            Link = ConsoleLinks.OfferRequests,
        };
    }

    /// <summary>To every asked State except the one whose offer was accepted: it says another offer was taken, not whose.</summary>
    public static OutboxMessage ToAskedState(RelocationCase relocation, string what, string stateCode, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var pseudonym = relocation.Facts.Pseudonym;
        var (subject, body) = what == "Cancelled"
            ? ($"Offer request {pseudonym} is cancelled.", $"The Court has cancelled request {pseudonym}. No answer is needed; any place held for it is released.")
            : ($"Offer request {pseudonym}: your offer is no longer needed.", $"Request {pseudonym} has been placed. Your offer is no longer needed; thank you for your answer.");
        return new OutboxMessage($"relocation-{relocation.Id}-{what}-{stateCode}", what, Recipients.FocalPoints(stateCode), subject, relocation.Id, now, null)
        {
            Body = body + "\n",
            Link = InboxLink,
        };
    }

    public static OutboxMessage OfferReceived(RelocationCase relocation, OfferRecord offer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(offer);
        var f = relocation.Facts;
        var from = offer.AvailableFrom is { } d ? $" from {d:yyyy-MM-dd}" : string.Empty;
        return new OutboxMessage(
            $"relocation-{relocation.Id}-offer-round{offer.Round}-{offer.StateCode}",
            "OfferReceived",
            Recipients.Vwu,
            $"Offer received for {f.Pseudonym} from {offer.StateCode}.",
            relocation.Id,
            now,
            null)
        {
            Body = $"{offer.StateCode} offers {offer.Places ?? f.Household.Size} place(s){from} in round {offer.Round}.\n\n" + Facts(f, null),
            Link = CaseLink(relocation.Id),
        };
    }

    public static OutboxMessage RoundClosingWithoutOffer(RelocationCase relocation, RoundRecord round, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(round);
        var f = relocation.Facts;
        return new OutboxMessage(
            $"relocation-{relocation.Id}-round{round.Number}-closing",
            "RoundClosingWithoutOffer",
            Recipients.Vwu,
            $"Round {round.Number} of {f.Pseudonym} closes at {Deadline(round.Deadline)} with no offer yet.",
            relocation.Id,
            now,
            DateOnly.FromDateTime(round.Deadline.UtcDateTime))
        {
            Body = $"{round.Asked.Count} State(s) asked in round {round.Number}; none has offered a place yet.\n\n" + Facts(f, round.Deadline),
            Link = CaseLink(relocation.Id),
        };
    }

    /// <summary>To VWU; <paramref name="stateCode"/> is null only when a rerun no longer knows it.</summary>
    public static OutboxMessage AcceptanceOutcome(RelocationCase relocation, AcceptanceOutcome outcome, string? stateCode, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(outcome);
        var f = relocation.Facts;
        var whose = stateCode is null ? "the offer" : $"{stateCode}'s offer";
        var (kind, subject, body) = outcome.Accepted
            ? ("AcceptanceCommitted", $"Acceptance of {whose} for {f.Pseudonym} is committed.",
               $"{f.Household.Size} place(s) are held; the Special Fund commitment is made where the place needs it.")
            : ("AcceptanceRefused", $"Acceptance of {whose} for {f.Pseudonym} was refused.",
               $"Why: {outcome.Reason}");
        return new OutboxMessage($"relocation-{relocation.Id}-acceptance-{outcome.RequestId}", kind, Recipients.Vwu, subject, relocation.Id, now, null)
        {
            Body = body + "\n\n" + Facts(f, null),
            Link = CaseLink(relocation.Id),
        };
    }

    public static OutboxMessage ProtectionReview(RelocationCase relocation, string stateCode, DateOnly arrived, DateOnly reminderOn, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var f = relocation.Facts;
        return new OutboxMessage(
            $"relocation-{relocation.Id}-protection-review",
            "ProtectionReview",
            Recipients.Vwu,
            $"Protection review of temporary relocation {f.Pseudonym} in {stateCode}: due before {arrived.AddMonths(6):yyyy-MM-dd}.",
            relocation.Id,
            now,
            reminderOn)
        {
            Body = $"Arrived on {arrived:yyyy-MM-dd}. The protection review is due before {arrived.AddMonths(6):yyyy-MM-dd}.\n\n" + Facts(f, null),
            Link = CaseLink(relocation.Id),
        };
    }

    /// <summary>To Registry: the case and its rounds; not which States were asked.</summary>
    public static OutboxMessage Escalation(RelocationCase relocation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var f = relocation.Facts;
        return new OutboxMessage(
            $"relocation-{relocation.Id}-escalated",
            "Escalation",
            Recipients.Registry,
            $"{f.Priority} relocation {f.Pseudonym} escalated to the Registrar: no offer accepted after {relocation.Rounds.Count} round(s).",
            relocation.Id,
            now,
            null)
        {
            Body = $"No State's offer could be accepted after {relocation.Rounds.Count} round(s) of offer requests. The case needs the Registrar's attention.\n\n" + Facts(f, null),
            Link = InboxLink,
        };
    }
    /// <summary>To VWU at 50% and 90% of the time between acceptance and the relocation due date.</summary>
    public static OutboxMessage PlacementReminder(RelocationCase relocation, int percent, DateTimeOffset dueAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var f = relocation.Facts;
        return new OutboxMessage(
            $"relocation-{relocation.Id}-placement-reminder{percent}",
            "RelocationDueReminder",
            Recipients.Vwu,
            $"{f.Pseudonym} must arrive by {Deadline(dueAt)}: {percent}% of the time has passed.",
            relocation.Id,
            now,
            DateOnly.FromDateTime(dueAt.UtcDateTime))
        {
            Body = $"The offer was accepted; arrival is not recorded yet and {percent}% of the time to relocate has passed.\n\n" + Facts(f, null),
            Link = CaseLink(relocation.Id),
        };
    }

    /// <summary>To the Registry (and VWU): an accepted case not arrived by its due date.</summary>
    public static OutboxMessage Overdue(RelocationCase relocation, string recipient, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var f = relocation.Facts;
        return new OutboxMessage(
            $"relocation-{relocation.Id}-overdue-{Recipients.RoleOf(recipient)}",
            "RelocationOverdue",
            recipient,
            $"{f.Priority} relocation {f.Pseudonym} is overdue: not arrived by {relocation.State.RelocationDueOn:yyyy-MM-dd}.",
            relocation.Id,
            now,
            relocation.State.RelocationDueOn)
        {
            Body = "An offer was accepted but the person's arrival is not recorded by the relocation due date. The case needs attention.\n\n" + Facts(f, null),
            Link = recipient == Recipients.Vwu ? CaseLink(relocation.Id) : InboxLink,
        };
    }

    /// <summary>To VWU at once: the receiving State withdrew; the linked re-relocation is named.</summary>
    public static OutboxMessage Withdrawn(RelocationCase relocation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var f = relocation.Facts;
        var next = relocation.State.ReRelocationId;
        return new OutboxMessage(
            $"relocation-{relocation.Id}-withdrawn",
            "PlacementWithdrawn",
            Recipients.Vwu,
            $"{relocation.State.WithdrawnBy} withdrew from {f.Pseudonym}, effective {relocation.State.WithdrawalEffectiveOn:yyyy-MM-dd}; re-relocation opened.",
            relocation.Id,
            now,
            relocation.State.WithdrawalEffectiveOn)
        {
            Body = $"The receiving State withdrew. Places and any fund commitment are released. Re-relocation request: {next}.\n\n" + Facts(f, null),
            Link = next is null ? CaseLink(relocation.Id) : CaseLink(next),
        };
    }
    /// <summary>
    /// A protection message about a placed case: to VWU (the case page), the receiving State's focal points (their page
    /// for this placement, where they answer an extension or withdraw) or the Registry (the inbox).
    /// </summary>
    public static OutboxMessage Protection(RelocationCase relocation, string key, string kind, string recipient, string subject, string body, DateTimeOffset now, DateOnly? dueOn = null)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var role = Recipients.RoleOf(recipient);
        return new OutboxMessage($"relocation-{relocation.Id}-{key}-{role}", kind, recipient, subject, relocation.Id, now, dueOn)
        {
            Body = body + "\n\n" + Facts(relocation.Facts, null),
            Link = recipient == Recipients.Vwu ? CaseLink(relocation.Id)
                : role == Roles.StateFocalPoint ? ConsoleLinks.Placement(relocation.Id)
                : InboxLink,
        };
    }
}
