using Relocation.Domain.Agreements;
using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations;
using Relocation.Domain.States;
using Relocation.Web.Services;

namespace Relocation.Web.Tests;

public sealed class TextTests
{
    [Fact]
    public void Of_FrenchStatus_ReadsInFrench()
    {
        var text = new Text();
        text.Use("fr");
        Assert.Equal("Offres attendues", text.Of(RelocationStatus.AwaitingOffers));
        Assert.Equal("Extrême urgence", text.Of(RelocationPriority.Emergency));
        Assert.Equal("Pseudonyme", text["Pseudonym"]);
    }

    [Fact]
    public void Of_WireName_FrenchWordsOfThatEnumUnknownValueAsSent()
    {
        var text = new Text();
        text.Use("fr");
        Assert.Equal("États d'Afrique", text.Of(nameof(RegionalGroup), "African"));
        Assert.Equal("Exécution des peines", text.Of(nameof(AgreementType), "SentenceEnforcement"));
        Assert.Equal("Atlantis", text.Of(nameof(RegionalGroup), "Atlantis"));
        Assert.Equal("", text.Of(nameof(RegionalGroup), null));
    }

    [Fact]
    public void Problem_French_WordedFromTheStatusWithTheServersDetailBeside()
    {
        var text = new Text();
        var conflict = new Problem(409, "Conflict.", "The relocation is Cancelled; it cannot be cancelled.", null);
        Assert.Equal(new ProblemText("The relocation is Cancelled; it cannot be cancelled.", null), text.Problem(conflict));

        text.Use("fr");
        Assert.Equal(new ProblemText("Cette action n'est pas possible dans l'état actuel.", "The relocation is Cancelled; it cannot be cancelled."), text.Problem(conflict));
        Assert.Equal(new ProblemText("Le service est injoignable.", null), text.Problem(new Problem(0, "The service cannot be reached.", null, null)));
        Assert.Equal(new ProblemText("Quelqu'un a modifié ces données entre-temps : rechargez la page.", "Changed."), text.Problem(new Problem(412, null, "Changed.", null)));
        Assert.Equal(new ProblemText("Teapot.", null), text.Problem(new Problem(418, null, "Teapot.", null)));
    }

    [Fact]
    public void Problem_FrenchWithAKnownCode_WordedFromTheCodeAndArgumentsAloneUnknownCodeByStatus()
    {
        var text = new Text();
        text.Use("fr");
        var coded = new Problem(409, "Conflict.", "The relocation is Cancelled; it cannot be cancelled.", null)
        {
            Code = "CannotCancel",
            Args = new Dictionary<string, string> { ["status"] = "Cancelled" },
        };
        var later = coded with { Code = "SomethingNew" };

        Assert.Equal(new ProblemText("La réinstallation est au statut « Annulée » ; elle ne peut pas être annulée.", null), text.Problem(coded));
        Assert.Equal(new ProblemText("Cette action n'est pas possible dans l'état actuel.", coded.Detail), text.Problem(later));
    }

    [Fact]
    public void Refusal_FrenchAgreementEvent_EventsAndStatusInFrenchListWordedNameByName()
    {
        var text = new Text();
        text.Use("fr");
        var why = new ExplanationView("AgreementEventNotPossible", new Dictionary<string, string>
        {
            ["agreementEvent"] = "Suspended", ["agreementStatus"] = "Negotiating", ["possibleEvents"] = "Signed, Terminated",
        });

        Assert.Equal("« Suspendre » n'est pas possible tant que l'accord est « En négociation » ; possible : Signer, Dénoncer.", text.Refusal(why, "english"));
        Assert.Equal("english", text.Refusal(null, "english"));
    }

    // A code the domain gives a refusal must get its words in both languages.
    [Fact]
    public void Problem_EveryCodeTheDomainGives_HasEnglishAndFrenchWords()
    {
        var english = new Text();
        var french = new Text();
        french.Use("fr");

        Assert.All(Enum.GetNames<Relocation.Domain.Common.ProblemCode>(), code =>
        {
            Assert.True(english["Problem." + code] != "Problem." + code, $"no English words for {code}");
            Assert.True(french["Problem." + code] != english["Problem." + code], $"no French words for {code}");
        });
    }

    [Fact]
    public void Of_English_ReadsAsWordsNotWireNames()
    {
        var text = new Text();
        Assert.Equal("Awaiting offers", text.Of(RelocationStatus.AwaitingOffers));
        Assert.Equal("In force", text.Of(AgreementStatus.InForce));
    }

    // A value added to an enum the console shows must get its words in both languages: this fails on the first one
    // missing, rather than the console showing a wire name in a French sentence.
    [Fact]
    public void Of_EveryValueShown_HasEnglishAndFrenchWords()
    {
        Enum[] shown =
        [
            .. Enum.GetValues<RelocationStatus>().Cast<Enum>(), .. Enum.GetValues<RelocationPriority>().Cast<Enum>(),
            .. Enum.GetValues<RelocationKind>().Cast<Enum>(), .. Enum.GetValues<OfferDecision>().Cast<Enum>(),
            .. Enum.GetValues<AgreementType>().Cast<Enum>(), .. Enum.GetValues<Arrangement>().Cast<Enum>(),
            .. Enum.GetValues<AgreementStatus>().Cast<Enum>(), .. Enum.GetValues<AgreementEvent>().Cast<Enum>(),
            .. Enum.GetValues<RegionalGroup>().Cast<Enum>(),
        ];
        var english = new Text();
        var french = new Text();
        french.Use("fr");
        foreach (var value in shown)
        {
            var key = $"{value.GetType().Name}.{value}";
            Assert.True(english[key] != key, $"no English words for {key}");
            Assert.True(french[key] != english[key] || value.ToString() is "AdHoc", $"no French words for {key}");
        }
    }
}
