using System.Globalization;
using System.Text;
using Relocation.Domain.Capacities;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.Security;

namespace Relocation.Workflows.Notifications;

/// <summary>
/// The text of every message about a case, in one place so what a message may say is reviewed once: the pseudonym,
/// priority, kind, household size, needs and deadline (in UTC, said so), and a console link; never the protected
/// person's details (the case's facts do not hold them), and never the receiving State except to VWU.
/// Messages to a State's focal points are written in French when that State's languages include "fr" and not "en"
/// (French-first States), otherwise in English (<see cref="NoticeLanguages.For"/>); each such text is given here in
/// English and French side by side (<see cref="Text"/>), dates stay yyyy-MM-dd. The Court's teams read English.
/// </summary>
public static class CaseNotices
{
    /// <summary>Where a team or focal point reads a message that has no better page in the console (console routes: <see cref="ConsoleLinks"/>).</summary>
    public const string InboxLink = ConsoleLinks.Inbox;

    /// <summary>The case page: only for VWU, the one role that can open it.</summary>
    public static string CaseLink(string relocationId) => ConsoleLinks.Case(relocationId);

    public static string Deadline(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>One text in both languages, English first, so a reviewer reads them side by side.</summary>
    private static string Text(NoticeLanguage language, string english, string french) => language == NoticeLanguage.French ? french : english;

    private static string Priority(RelocationPriority priority, NoticeLanguage language) => language == NoticeLanguage.French
        ? priority switch
        {
            RelocationPriority.Emergency => "extrême urgence",
            RelocationPriority.Urgent => "urgente",
            RelocationPriority.Normal => "normale",
            _ => priority.ToString(),
        }
        : priority.ToString();

    private static string Kind(RelocationKind kind, NoticeLanguage language) => language == NoticeLanguage.French
        ? kind switch
        {
            RelocationKind.WitnessRelocation => "réinstallation de témoin",
            RelocationKind.TemporaryRelocation => "réinstallation temporaire",
            RelocationKind.AcquittedPersonRelocation => "réinstallation de personne acquittée",
            RelocationKind.InterimRelease => "mise en liberté provisoire",
            _ => kind.ToString(),
        }
        : kind.ToString();

    /// <summary>The need-to-know lines a State decides on.</summary>
    public static string Facts(RelocationFacts facts, DateTimeOffset? deadline) => Facts(facts, deadline, NoticeLanguage.English);

    /// <summary>The need-to-know lines a State decides on, in its focal points' language.</summary>
    public static string Facts(RelocationFacts facts, DateTimeOffset? deadline, NoticeLanguage language)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var l = language;
        var h = facts.Household;
        var languages = facts.Needs.Languages.Count == 0 ? Text(l, "none stated", "aucune indiquée") : string.Join(", ", facts.Needs.Languages);
        var medical = facts.Needs.MedicalCare ? Text(l, "yes", "oui") : Text(l, "no", "non");
        var text = new StringBuilder()
            .Append(Text(l, $"Request: {facts.Pseudonym}\n", $"Demande : {facts.Pseudonym}\n"))
            .Append(Text(l, $"Priority: {Priority(facts.Priority, l)}\n", $"Priorité : {Priority(facts.Priority, l)}\n"))
            .Append(Text(l, $"Kind: {Kind(facts.Kind, l)}\n", $"Type : {Kind(facts.Kind, l)}\n"))
            .Append(Text(l, $"Household: {h.Size} person(s) ({h.Adults} adult(s), {h.Children} child(ren))\n",
                $"Ménage : {h.Size} personne(s) ({h.Adults} adulte(s), {h.Children} enfant(s))\n"))
            .Append(Text(l, $"Languages: {languages}\n", $"Langues : {languages}\n"))
            .Append(Text(l, $"Medical care needed: {medical}\n", $"Soins médicaux nécessaires : {medical}\n"));
        if (deadline is { } d)
        {
            text.Append(Text(l, $"Answer by: {Deadline(d)}\n", $"Réponse attendue au plus tard le : {Deadline(d)}\n"));
        }

        return text.ToString();
    }

    public static OutboxMessage OfferRequest(RelocationCase relocation, RoundRecord round, string stateCode, NoticeLanguage language, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(round);
        var f = relocation.Facts;
        var l = language;
        var priority = Priority(f.Priority, l);
        var by = Deadline(round.Deadline);
        return new OutboxMessage(
            $"relocation-{relocation.Id}-round{round.Number}-{stateCode}",
            "OfferRequest",
            Recipients.FocalPoints(stateCode),
            Text(l,
                $"{priority} offer request {f.Pseudonym}: household of {f.Household.Size}; answer by {by}.",
                $"Demande d'offre {f.Pseudonym} (priorité : {priority}) : ménage de {f.Household.Size} personne(s) ; réponse attendue au plus tard le {by}."),
            relocation.Id,
            now,
            DateOnly.FromDateTime(round.Deadline.UtcDateTime))
        {
            Body = Text(l,
                "The International Criminal Court asks whether your State can offer a place for this relocation.",
                "La Cour pénale internationale demande si votre État peut offrir une place pour cette réinstallation.")
                + "\n\n" + Facts(f, round.Deadline, l),
            Link = ConsoleLinks.OfferRequests,
        };
    }

    public static OutboxMessage OfferRequestReminder(RelocationCase relocation, RoundRecord round, string stateCode, int percent, NoticeLanguage language, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(round);
        var f = relocation.Facts;
        var l = language;
        var priority = Priority(f.Priority, l);
        var by = Deadline(round.Deadline);
        return new OutboxMessage(
            $"relocation-{relocation.Id}-round{round.Number}-reminder{percent}-{stateCode}",
            "OfferRequestReminder",
            Recipients.FocalPoints(stateCode),
            Text(l,
                $"Reminder: {priority} offer request {f.Pseudonym} awaits your answer by {by}.",
                $"Rappel : la demande d'offre {f.Pseudonym} (priorité : {priority}) attend votre réponse au plus tard le {by}."),
            relocation.Id,
            now,
            DateOnly.FromDateTime(round.Deadline.UtcDateTime))
        {
            Body = Text(l,
                $"{percent}% of the time to answer has passed and your State has not answered yet.",
                $"{percent} % du délai de réponse est écoulé et votre État n'a pas encore répondu.")
                + "\n\n" + Facts(f, round.Deadline, l),
            Link = ConsoleLinks.OfferRequests,
        };
    }

    /// <summary>To every asked State except the one whose offer was accepted: it says another offer was taken, not whose.</summary>
    public static OutboxMessage ToAskedState(RelocationCase relocation, string what, string stateCode, NoticeLanguage language, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var pseudonym = relocation.Facts.Pseudonym;
        var l = language;
        var (subject, body) = what == "Cancelled"
            ? (Text(l, $"Offer request {pseudonym} is cancelled.", $"La demande d'offre {pseudonym} est annulée."),
               Text(l, $"The Court has cancelled request {pseudonym}. No answer is needed; any place held for it is released.",
                   $"La Cour a annulé la demande {pseudonym}. Aucune réponse n'est nécessaire ; toute place réservée pour cette demande est libérée."))
            : (Text(l, $"Offer request {pseudonym}: your offer is no longer needed.", $"Demande d'offre {pseudonym} : votre offre n'est plus nécessaire."),
               Text(l, $"Request {pseudonym} has been placed. Your offer is no longer needed; thank you for your answer.",
                   $"Une place a été trouvée pour la demande {pseudonym}. Votre offre n'est plus nécessaire ; nous vous remercions de votre réponse."));
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
    public static OutboxMessage Protection(RelocationCase relocation, string key, string kind, string recipient, string subject, string body, DateTimeOffset now, DateOnly? dueOn = null) =>
        Protection(relocation, key, kind, recipient, subject, body, NoticeLanguage.English, now, dueOn);

    private static OutboxMessage Protection(RelocationCase relocation, string key, string kind, string recipient, string subject, string body, NoticeLanguage language,
        DateTimeOffset now, DateOnly? dueOn)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var role = Recipients.RoleOf(recipient);
        return new OutboxMessage($"relocation-{relocation.Id}-{key}-{role}", kind, recipient, subject, relocation.Id, now, dueOn)
        {
            Body = body + "\n\n" + Facts(relocation.Facts, null, language),
            Link = recipient == Recipients.Vwu ? CaseLink(relocation.Id)
                : role == Roles.StateFocalPoint ? ConsoleLinks.Placement(relocation.Id)
                : InboxLink,
        };
    }

    /// <summary>To the receiving State's focal points: the Court ended the relocation at its protection review.</summary>
    public static OutboxMessage ProtectionEnded(RelocationCase relocation, string stateCode, NoticeLanguage language, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var l = language;
        var pseudonym = relocation.Facts.Pseudonym;
        return Protection(relocation, "protection-ended", "ProtectionEnded", Recipients.FocalPoints(stateCode),
            Text(l, $"Protection of {pseudonym} in your State ends.", $"La protection de {pseudonym} dans votre État prend fin."),
            Text(l, "The Court ended this relocation at its protection review; the places are released.",
                "La Cour a mis fin à cette réinstallation à l'issue de l'examen de la protection ; les places sont libérées."),
            l, now, null);
    }

    /// <summary>To the receiving State's focal points: confirm or refuse the extension a review asked for, until <paramref name="end"/>.</summary>
    public static OutboxMessage ExtensionRequest(RelocationCase relocation, string stateCode, DateOnly end, NoticeLanguage language, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        var l = language;
        var pseudonym = relocation.Facts.Pseudonym;
        var until = end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Protection(relocation, $"extension-{end:yyyyMMdd}", "ExtensionRequest", Recipients.FocalPoints(stateCode),
            Text(l, $"Please confirm the extension of {pseudonym} until {until}.", $"Veuillez confirmer la prolongation de {pseudonym} jusqu'au {until}."),
            Text(l,
                $"The Court's protection review asks your State to extend this relocation until {until}. Confirm or refuse it on the page this message links to (or with POST /api/relocations/{relocation.Id}/extension).",
                $"À l'issue de l'examen de la protection, la Cour demande à votre État de prolonger cette réinstallation jusqu'au {until}. Veuillez la confirmer ou la refuser sur la page vers laquelle renvoie ce message (ou avec POST /api/relocations/{relocation.Id}/extension)."),
            l, now, end);
    }

    /// <summary>
    /// To a State's focal points: its capacity turns stale (<paramref name="stale"/> false, at 80 days) or is stale (at 90).
    /// Keyed by the capacity, the point and the confirmation date (<see cref="CapacityStaleReminders"/>).
    /// </summary>
    public static OutboxMessage CapacityStale(Capacity capacity, bool stale, NoticeLanguage language, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(capacity);
        var l = language;
        var staleOn = (capacity.ConfirmedAt + Capacity.StaleAfter).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var confirmed = capacity.ConfirmedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new OutboxMessage(
            $"capacity-{capacity.Id}-stale{(stale ? 90 : 80)}-{capacity.ConfirmedAt.UtcDateTime:yyyyMMdd}",
            stale ? "CapacityStale" : "CapacityStaleSoon",
            Recipients.FocalPoints(capacity.StateCode),
            stale
                ? Text(l, $"Your relocation capacity {capacity.Id} is stale: please reconfirm it.",
                    $"Votre capacité de réinstallation {capacity.Id} n'est plus à jour : veuillez la reconfirmer.")
                : Text(l, $"Your relocation capacity {capacity.Id} turns stale on {staleOn}: please reconfirm it.",
                    $"Votre capacité de réinstallation {capacity.Id} ne sera plus à jour le {staleOn} : veuillez la reconfirmer."),
            capacity.Id,
            now,
            DateOnly.FromDateTime((capacity.ConfirmedAt + Capacity.StaleAfter).UtcDateTime))
        {
            Body = Text(l,
                $"Capacity {capacity.Id} ({capacity.Places} place(s)) was last confirmed on {confirmed}. A capacity not reconfirmed for 90 days is ranked after fresh ones.",
                $"La capacité {capacity.Id} ({capacity.Places} place(s)) a été confirmée pour la dernière fois le {confirmed}. Une capacité non reconfirmée depuis 90 jours est classée après les capacités à jour.")
                + "\n",
            Link = ConsoleLinks.Capacity,
        };
    }
}
