using Relocation.Domain.Capacities;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;
using Relocation.Testing.Builders;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Relocations;
using Relocation.Workflows.Notifications;

namespace Relocation.Workflows.Tests.Notifications;

/// <summary>Every case message leads to a page of the console its recipient can open (the console's routes, not the API's).</summary>
public sealed class CaseNoticesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static (RelocationCase Case, RoundRecord Round) Asked()
    {
        var c = RelocationCase.Submit("3f2a9c1e5b7d4e60a1b2c3d4e5f60718", new RelocationFacts("ICC-01/04-01/06", "W-0441", RelocationKind.TemporaryRelocation,
            RelocationPriority.Urgent, new Household(1, 1), new Needs(["en"], false)), Now, "Vwu.Officer", DateOnly.FromDateTime(Now.UtcDateTime));
        var round = c.StartRound(1, [new AskedState("NOR", "cap1", false, 2)], Now, Now.AddHours(72));
        return (c, round);
    }

    [Fact]
    public void OfferRequestAndReminder_ToAFocalPoint_LinkToItsOfferRequests()
    {
        var (c, round) = Asked();

        var request = CaseNotices.OfferRequest(c, round, "NOR", NoticeLanguage.English, Now);
        var reminder = CaseNotices.OfferRequestReminder(c, round, "NOR", 50, NoticeLanguage.English, Now);

        Assert.Equal("/focal/offers", request.Link);
        Assert.Equal("/focal/offers", reminder.Link);
    }

    [Fact]
    public void OfferReceived_ToVwu_LinksToTheCasePage()
    {
        var (c, _) = Asked();
        var offer = c.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Offer, 2, DateOnly.FromDateTime(Now.UtcDateTime), null, null), Now);

        var message = CaseNotices.OfferReceived(c, offer, Now);

        Assert.Equal($"/cases/{c.Id}", message.Link);
        Assert.Equal(Recipients.Vwu, message.Recipient);
    }

    [Fact]
    public void Messages_ThatCannotOpenTheCase_LinkToTheInbox()
    {
        var (c, _) = Asked();

        var told = CaseNotices.ToAskedState(c, "Cancelled", "NOR", NoticeLanguage.English, Now);
        var registry = CaseNotices.Overdue(c, Recipients.Registry, Now);
        var vwu = CaseNotices.Overdue(c, Recipients.Vwu, Now);

        Assert.Equal(("/inbox", "/inbox", $"/cases/{c.Id}"), (told.Link, registry.Link, vwu.Link));
    }

    [Fact]
    public void Protection_ToTheReceivingStatesFocalPoints_LinksToTheirPlacementPage()
    {
        var (c, _) = Asked();

        var extension = CaseNotices.Protection(c, "extension-20270601", "ExtensionRequest", Recipients.FocalPoints("NOR"), "s", "b", Now);
        var ended = CaseNotices.Protection(c, "protection-ended", "ProtectionEnded", Recipients.FocalPoints("NOR"), "s", "b", Now);
        var registry = CaseNotices.Protection(c, "k", "ReviewOverdue", Recipients.Registry, "s", "b", Now);

        Assert.Equal(($"/focal/placements/{c.Id}", $"/focal/placements/{c.Id}", "/inbox"), (extension.Link, ended.Link, registry.Link));
    }

    [Fact]
    public void EveryCaseMessage_LinksToAConsoleRouteAsItIs()
    {
        var (c, round) = Asked();
        var offer = c.RecordResponse("NOR", new ResponseCommand("NOR", OfferDecision.Offer, 2, null, null, null), Now);
        OutboxMessage[] all =
        [
            CaseNotices.OfferRequest(c, round, "NOR", NoticeLanguage.English, Now), CaseNotices.OfferRequestReminder(c, round, "NOR", 90, NoticeLanguage.English, Now),
            CaseNotices.ToAskedState(c, "Placed", "NOR", NoticeLanguage.English, Now), CaseNotices.OfferReceived(c, offer, Now),
            CaseNotices.RoundClosingWithoutOffer(c, round, Now), CaseNotices.Escalation(c, Now),
            CaseNotices.PlacementReminder(c, 50, Now.AddDays(10), Now), CaseNotices.Overdue(c, Recipients.Vwu, Now),
            CaseNotices.Protection(c, "k", "ReviewOverdue", Recipients.FocalPoints("NOR"), "s", "b", Now),
            CaseNotices.Protection(c, "k", "ExtensionRequest", Recipients.FocalPoints("NOR"), "s", "b", Now),
            CaseNotices.Protection(c, "k", "ReviewOverdue", Recipients.Registry, "s", "b", Now),
        ];

        // A route the console maps to something else would be an old or unknown link.
        Assert.All(all, m => Assert.Equal(m.Link, ConsoleLinks.Route(m.Kind, m.Link)));
    }

    private static State StateSpeaking(string code, params string[] languages) =>
        State.Register(code, new StateInputBuilder().With(i => i with { Languages = languages }).Build());

    private static OutboxMessage[] ToFocalPoints(NoticeLanguage language)
    {
        var (c, round) = Asked();
        var end = new DateOnly(2027, 6, 1);
        return
        [
            CaseNotices.OfferRequest(c, round, "SEN", language, Now), CaseNotices.OfferRequestReminder(c, round, "SEN", 50, language, Now),
            CaseNotices.ToAskedState(c, "Cancelled", "SEN", language, Now), CaseNotices.ToAskedState(c, "OfferNoLongerNeeded", "SEN", language, Now),
            CaseNotices.ExtensionRequest(c, "SEN", end, language, Now), CaseNotices.ProtectionEnded(c, "SEN", language, Now),
        ];
    }

    [Theory]
    [InlineData(new[] { "fr" }, NoticeLanguage.French)]
    [InlineData(new[] { "fr", "wo" }, NoticeLanguage.French)]
    [InlineData(new[] { "en", "fr" }, NoticeLanguage.English)]
    [InlineData(new[] { "en" }, NoticeLanguage.English)]
    [InlineData(new[] { "nb", "nn" }, NoticeLanguage.English)]
    public void NoticeLanguagesFor_StateLanguages_FrenchOnlyWhenFrenchAndNotEnglish(string[] languages, NoticeLanguage expected) =>
        Assert.Equal(expected, NoticeLanguages.For(StateSpeaking("SEN", languages)));

    [Fact]
    public void NoticeLanguagesFor_StateNotInTheRegister_English() => Assert.Equal(NoticeLanguage.English, NoticeLanguages.For(null));

    [Fact]
    public void FocalPointNotices_French_SubjectsAndBodiesInFrench()
    {
        var french = ToFocalPoints(NoticeLanguage.French);

        Assert.Equal(
        [
            "Demande d'offre W-0441 (priorité : urgente) : ménage de 2 personne(s) ; réponse attendue au plus tard le 2026-12-03 09:00 UTC.",
            "Rappel : la demande d'offre W-0441 (priorité : urgente) attend votre réponse au plus tard le 2026-12-03 09:00 UTC.",
            "La demande d'offre W-0441 est annulée.",
            "Demande d'offre W-0441 : votre offre n'est plus nécessaire.",
            "Veuillez confirmer la prolongation de W-0441 jusqu'au 2027-06-01.",
            "La protection de W-0441 dans votre État prend fin.",
        ], french.Select(m => m.Subject));
        Assert.StartsWith("La Cour pénale internationale demande si votre État peut offrir une place pour cette réinstallation.\n\nDemande : W-0441\nPriorité : urgente\n"
            + "Type : réinstallation temporaire\nMénage : 2 personne(s) (1 adulte(s), 1 enfant(s))\nLangues : en\nSoins médicaux nécessaires : non\n"
            + "Réponse attendue au plus tard le : 2026-12-03 09:00 UTC\n", french[0].Body, StringComparison.Ordinal);
        Assert.StartsWith("50 % du délai de réponse est écoulé", french[1].Body, StringComparison.Ordinal);
        Assert.StartsWith("La Cour a annulé la demande W-0441.", french[2].Body, StringComparison.Ordinal);
        Assert.StartsWith("Une place a été trouvée pour la demande W-0441.", french[3].Body, StringComparison.Ordinal);
        Assert.StartsWith("À l'issue de l'examen de la protection, la Cour demande à votre État de prolonger cette réinstallation jusqu'au 2027-06-01.", french[4].Body, StringComparison.Ordinal);
        Assert.Contains("\nPriorité : urgente\n", french[5].Body, StringComparison.Ordinal);
        Assert.All(french, m => Assert.DoesNotContain("Request:", m.Body, StringComparison.Ordinal));
    }

    [Fact]
    public void FocalPointNotices_English_KeepTheEnglishTextAndTheSameIdsAsFrench()
    {
        var english = ToFocalPoints(NoticeLanguage.English);

        Assert.Equal(
        [
            "Urgent offer request W-0441: household of 2; answer by 2026-12-03 09:00 UTC.",
            "Reminder: Urgent offer request W-0441 awaits your answer by 2026-12-03 09:00 UTC.",
            "Offer request W-0441 is cancelled.",
            "Offer request W-0441: your offer is no longer needed.",
            "Please confirm the extension of W-0441 until 2027-06-01.",
            "Protection of W-0441 in your State ends.",
        ], english.Select(m => m.Subject));
        Assert.StartsWith("The International Criminal Court asks whether your State can offer a place for this relocation.\n\nRequest: W-0441\nPriority: Urgent\n",
            english[0].Body, StringComparison.Ordinal);
        // The language never changes what a message is: a rerun that read another row would still write one message.
        Assert.Equal(english.Select(m => (m.Id, m.Kind, m.Recipient, m.Link, m.DueOn)), ToFocalPoints(NoticeLanguage.French).Select(m => (m.Id, m.Kind, m.Recipient, m.Link, m.DueOn)));
    }

    [Fact]
    public async Task NotifyAsync_FrenchFirstAndBilingualStatesAsked_EachInItsLanguage()
    {
        // Arrange: a round asking a French-first State and a bilingual one.
        var c = RelocationCase.Submit("3f2a9c1e5b7d4e60a1b2c3d4e5f60719", new RelocationFacts("ICC-01/04-01/06", "W-0442", RelocationKind.WitnessRelocation,
            RelocationPriority.Emergency, new Household(1, 0), new Needs([], false)), Now, "Vwu.Officer", DateOnly.FromDateTime(Now.UtcDateTime));
        c.StartRound(1, [new AskedState("SEN", "cap1", false, 2), new AskedState("CAN", "cap2", false, 1)], Now, Now.AddHours(24));
        var states = new InMemoryStateRepository();
        await states.SaveAsync(StateSpeaking("SEN", "fr", "wo"), null, CancellationToken.None);
        await states.SaveAsync(StateSpeaking("CAN", "en", "fr"), null, CancellationToken.None);
        var outbox = new InMemoryOutbox();

        // Act
        await NotifyRelocationStatesActivity.NotifyAsync(outbox, states, c, "Cancelled", Now);

        // Assert
        var subjects = outbox.Messages.ToDictionary(m => m.Recipient, m => m.Subject);
        Assert.Equal("La demande d'offre W-0442 est annulée.", subjects[Recipients.FocalPoints("SEN")]);
        Assert.Equal("Offer request W-0442 is cancelled.", subjects[Recipients.FocalPoints("CAN")]);
    }
}
