using Relocation.Domain.Capacities;
using Relocation.Domain.Relocations.Ranking;
using Relocation.Domain.States;
using Relocation.Testing.Builders;

namespace Relocation.Domain.Tests.Relocations;

public sealed class CandidateRankerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Due = new(2026, 12, 5);
    private static readonly RankingRequest Request = new(RelocationKind.TemporaryRelocation, 3, NeedsMedicalCare: true, ["fr"], Due);
    private static readonly HashSet<string> None = [];

    private static Capacity Cap(string state, string id, Func<CapacityCommand, CapacityCommand>? change = null, DateTimeOffset? confirmed = null)
    {
        var terms = new CapacityInputBuilder().With(i => (change ?? (x => x))(i with
        {
            Kinds = [RelocationKind.TemporaryRelocation], Places = 4, MaxHouseholdSize = 5, Languages = ["fr"], MedicalCare = true,
            AvailableFrom = new DateOnly(2026, 11, 1), AvailableUntil = new DateOnly(2027, 6, 1), NeedsFundSupport = false,
        })).BuildTerms();
        return Capacity.Register(id, state, terms, confirmed ?? Now);
    }

    private static Dictionary<string, State> States(params (string Code, RegionalGroup Region, string[] Languages)[] states) =>
        states.ToDictionary(s => s.Code, s => State.Register(s.Code, new StateInputBuilder().With(i => i with { Region = s.Region, Languages = s.Languages }).Build()));

    public static TheoryData<string, Func<CapacityCommand, CapacityCommand>> HardFilters => new()
    {
        { "kind not served", i => i with { Kinds = [RelocationKind.InterimRelease] } },
        { "too few places", i => i with { Places = 2 } },
        { "household too large", i => i with { MaxHouseholdSize = 2 } },
        { "no medical care", i => i with { MedicalCare = false } },
        { "opens after the due date", i => i with { AvailableFrom = Due.AddDays(1), AvailableUntil = Due.AddDays(30) } },
        { "closes before the due date", i => i with { AvailableFrom = Due.AddDays(-30), AvailableUntil = Due.AddDays(-1) } },
    };

    [Theory]
    [MemberData(nameof(HardFilters))]
    public void Rank_CapacityFailingAHardFilter_IsNoCandidate(string why, Func<CapacityCommand, CapacityCommand> change)
    {
        var ranked = CandidateRanker.Rank(Request, [Cap("NOR", "c1", change), Cap("SWE", "c2")], States(), None, None, Now);

        Assert.True(ranked.Select(c => c.StateCode).SequenceEqual(["SWE"]), why);
    }

    [Fact]
    public void Rank_HeldPlacesReduceFree_BelowHousehold_IsNoCandidate()
    {
        var capacity = Cap("NOR", "c1");
        capacity.Hold("other", 2);

        var ranked = CandidateRanker.Rank(Request, [capacity], States(), None, None, Now);

        Assert.Empty(ranked);
    }

    [Fact]
    public void Rank_StateAlreadyAsked_IsNoCandidate()
    {
        var ranked = CandidateRanker.Rank(Request, [Cap("NOR", "c1"), Cap("SWE", "c2")], States(), None, new HashSet<string> { "NOR" }, Now);

        Assert.Equal(["SWE"], ranked.Select(c => c.StateCode));
    }

    [Fact]
    public void Rank_AgreementInForce_OutranksEveryPreference()
    {
        var withAgreement = Cap("MLI", "c1", i => i with { Languages = ["bm"], NeedsFundSupport = true }, Now.AddDays(-200));
        var ranked = CandidateRanker.Rank(Request, [Cap("FRA", "c2"), withAgreement], States(("FRA", RegionalGroup.WesternEuropeanOther, ["fr"])), new HashSet<string> { "MLI" }, None, Now);

        Assert.Equal(["MLI", "FRA"], ranked.Select(c => c.StateCode));
        Assert.Contains("agreement of the right type in force", ranked[0].Reasons);
        Assert.Contains(ranked[0].Reasons, r => r.Contains("stale", StringComparison.Ordinal));
    }

    [Fact]
    public void Rank_Preferences_LanguageThenRegionThenFreshThenNoFund()
    {
        var request = Request with { PreferredRegion = RegionalGroup.African };
        var capacities = new[]
        {
            Cap("DEU", "c1", i => i with { Languages = ["de"] }),
            Cap("SEN", "c2"),
            Cap("FRA", "c3"),
            Cap("BEL", "c4", confirmed: Now.AddDays(-91)),
            Cap("CHE", "c5", i => i with { NeedsFundSupport = true }),
        };
        var states = States(("SEN", RegionalGroup.African, ["fr"]), ("FRA", RegionalGroup.WesternEuropeanOther, ["fr"]),
            ("BEL", RegionalGroup.WesternEuropeanOther, ["fr"]), ("CHE", RegionalGroup.WesternEuropeanOther, ["fr"]), ("DEU", RegionalGroup.African, ["de"]));

        var ranked = CandidateRanker.Rank(request, capacities.Where(c => c.StateCode != "DEU"), states, None, None, Now);

        Assert.Equal(["SEN", "FRA", "CHE", "BEL"], ranked.Select(c => c.StateCode));
        Assert.All(ranked, c => Assert.NotEmpty(c.Reasons));
    }

    [Fact]
    public void Rank_TiedScores_MoreFreePlacesThenStateCodeDecide()
    {
        var ranked = CandidateRanker.Rank(Request, [Cap("SWE", "c1"), Cap("NOR", "c2"), Cap("DNK", "c3", i => i with { Places = 9 })], States(), None, None, Now);

        Assert.Equal(["DNK", "NOR", "SWE"], ranked.Select(c => c.StateCode));
    }

    [Fact]
    public void Rank_SameInputsInAnyOrder_SameResult()
    {
        var capacities = Enumerable.Range(0, 30).Select(i => Cap(i % 2 == 0 ? "NOR" : "SWE", $"c{i:D2}", x => x with { Places = 3 + (i % 5) })).ToArray();

        var first = CandidateRanker.Rank(Request, capacities, States(), None, None, Now);
        var second = CandidateRanker.Rank(Request, capacities.Reverse(), States(), None, None, Now);

        Assert.Equal(first.Select(c => (c.StateCode, c.CapacityId, c.Score)), second.Select(c => (c.StateCode, c.CapacityId, c.Score)));
        Assert.Equal(2, first.Count);
        Assert.Equal("c04", first.Single(c => c.StateCode == "NOR").CapacityId);
    }

    [Fact]
    public void SelectRound_FirstRoundWithAgreements_LaterRoundsWiden()
    {
        var ranked = new[]
        {
            new Candidate("A", "1", 1100, true, false, []), new Candidate("B", "2", 1050, true, false, []),
            new Candidate("C", "3", 150, false, false, []), new Candidate("D", "4", 100, false, false, []),
        };

        Assert.Equal(["A", "B"], CandidateRanker.SelectRound(ranked, 1, 3).Select(c => c.StateCode));
        Assert.Equal(["C", "D"], CandidateRanker.SelectRound(ranked.Skip(2).ToArray(), 2, 3).Select(c => c.StateCode));
        Assert.Equal(["C"], CandidateRanker.SelectRound(ranked.Skip(2).ToArray(), 1, 1).Select(c => c.StateCode));
    }

    public static TheoryData<string, Func<CapacityCommand, CapacityCommand>> Fitting => new()
    {
        { "exactly enough places", i => i with { Places = 3 } },
        { "household exactly the largest taken", i => i with { MaxHouseholdSize = 3 } },
        { "opens on the due date", i => i with { AvailableFrom = Due, AvailableUntil = Due.AddDays(30) } },
        { "closes on the due date", i => i with { AvailableFrom = Due.AddDays(-30), AvailableUntil = Due } },
        { "serves the kind among others", i => i with { Kinds = [RelocationKind.InterimRelease, RelocationKind.TemporaryRelocation] } },
    };

    [Theory]
    [MemberData(nameof(Fitting))]
    public void Rank_CapacityOnTheEdgeOfAHardFilter_IsACandidate(string why, Func<CapacityCommand, CapacityCommand> change)
    {
        var ranked = CandidateRanker.Rank(Request, [Cap("NOR", "c1", change)], States(), None, None, Now);

        Assert.True(ranked.Select(c => c.StateCode).SequenceEqual(["NOR"]), why);
    }

    [Fact]
    public void Rank_NoMedicalCareNeeded_CapacityWithoutItFits()
    {
        var ranked = CandidateRanker.Rank(Request with { NeedsMedicalCare = false }, [Cap("NOR", "c1", i => i with { MedicalCare = false })], States(), None, None, Now);

        Assert.Equal(["NOR"], ranked.Select(c => c.StateCode));
    }

    [Fact]
    public void Rank_EveryReason_CarriesItsCodeAndArgumentsInTheSameOrder()
    {
        // A console words the reasons from their codes: each English reason needs its code, at the same place.
        var request = Request with { PreferredRegion = RegionalGroup.WesternEuropeanOther };
        var states = States(("NOR", RegionalGroup.WesternEuropeanOther, ["nb"]), ("SWE", RegionalGroup.African, ["sv"]));
        var ranked = CandidateRanker.Rank(
            request,
            [Cap("NOR", "c1"), Cap("SWE", "c2", i => i with { Languages = ["sv"], NeedsFundSupport = true }, Now.AddDays(-100))],
            states,
            new HashSet<string>(["NOR"]),
            None,
            Now);
        var noLanguage = Assert.Single(CandidateRanker.Rank(request with { Languages = [] }, [Cap("NOR", "c1")], states, None, None, Now));

        foreach (var candidate in ranked.Append(noLanguage))
        {
            Assert.NotNull(candidate.Explanations);
            Assert.Equal(candidate.Reasons, candidate.Explanations.Select(e => e.Text));
        }

        Assert.Equal(
            [CandidateReasonCode.AgreementInForce, CandidateReasonCode.SpeaksLanguages, CandidateReasonCode.SameRegion, CandidateReasonCode.CapacityFresh, CandidateReasonCode.NoFundSupportNeeded, CandidateReasonCode.PlacesFree],
            ranked[0].Explanations!.Select(e => e.Code));
        Assert.Equal(
            [CandidateReasonCode.NoAgreement, CandidateReasonCode.NoSharedLanguage, CandidateReasonCode.OtherRegion, CandidateReasonCode.CapacityStale, CandidateReasonCode.NeedsFundSupport, CandidateReasonCode.PlacesFree],
            ranked[1].Explanations!.Select(e => e.Code));
        Assert.Equal(CandidateReasonCode.NoLanguageNeeded, noLanguage.Explanations![1].Code);
        Assert.Equal("fr", ranked[0].Explanations![1].Args!["languages"]);
        Assert.Equal(nameof(RegionalGroup.WesternEuropeanOther), ranked[0].Explanations![2].Args!["region"]);
        Assert.Equal("2026-08-20", ranked[1].Explanations![3].Args!["confirmedOn"]);
        Assert.Equal(new Dictionary<string, string> { ["free"] = "4", ["householdSize"] = "3" }, ranked[0].Explanations![5].Args);
        // Every code the ranker has is given by one of these candidates (the plan's codes are matching's, the standing's CandidateOrder's).
        CandidateReasonCode[] standing = [CandidateReasonCode.Receiving, CandidateReasonCode.AskedInRound, CandidateReasonCode.NoLongerRanked];
        Assert.Equal(
            Enum.GetValues<CandidateReasonCode>().Where(c => !c.ToString().StartsWith("Plan", StringComparison.Ordinal) && !standing.Contains(c)).Order(),
            ranked.Append(noLanguage).SelectMany(c => c.Explanations!).Select(e => e.Code).Distinct().Order());
    }

    [Fact]
    public void Rank_ReasonsAgainst_AreGivenToo()
    {
        var capacity = Cap("NOR", "c1", i => i with { Languages = ["nb"], NeedsFundSupport = true }, Now.AddDays(-100));

        var candidate = Assert.Single(CandidateRanker.Rank(Request with { PreferredRegion = RegionalGroup.African }, [capacity],
            States(("NOR", RegionalGroup.WesternEuropeanOther, ["nb"])), None, None, Now));

        Assert.Equal(0, candidate.Score);
        Assert.Contains("no agreement in force: ad hoc request", candidate.Reasons);
        Assert.Contains("no shared language", candidate.Reasons);
        Assert.Contains("other regional group", candidate.Reasons);
        Assert.Contains("needs Special Fund support", candidate.Reasons);
        Assert.Contains(candidate.Reasons, r => r.Contains("stale", StringComparison.Ordinal));
    }

    [Fact]
    public void Rank_StateWithTwoCapacities_RepresentedByItsBest()
    {
        var ranked = CandidateRanker.Rank(Request, [Cap("NOR", "c1", i => i with { NeedsFundSupport = true }), Cap("NOR", "c2")], States(), None, None, Now);

        Assert.Equal("c2", Assert.Single(ranked).CapacityId);
    }

    [Fact]
    public void SelectRound_NoCandidateHasAnAgreement_FirstRoundTakesTheBestOverall()
    {
        var ranked = new[]
        {
            new Candidate("A", "1", 150, false, false, []), new Candidate("B", "2", 120, false, false, []),
            new Candidate("C", "3", 100, false, false, []), new Candidate("D", "4", 90, false, false, []),
        };

        Assert.Equal(["A", "B", "C"], CandidateRanker.SelectRound(ranked, 1, 3).Select(c => c.StateCode));
    }

    [Fact]
    public void SelectRound_NothingLeft_IsEmpty()
    {
        Assert.Empty(CandidateRanker.SelectRound([], 2, 3));
    }
}
