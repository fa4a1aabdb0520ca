using System.Text.RegularExpressions;
using Bunit;
using Relocation.Domain.Relocations;
using Relocation.Web.Components;

namespace Relocation.Web.Tests;

/// <summary>
/// The case timeline in the console's language: the server sends each entry's event as a code (<c>what</c>) and its
/// detail as English text; the code is mapped to words, the detail is shown as sent.
/// </summary>
public sealed partial class TimelineListTests
{
    [Fact]
    public void Render_French_EventCodesReadInFrenchDetailAsSentUnknownCodeAsIs()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Text.Use("fr");
        var at = new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero);

        var list = ctx.Render<TimelineList>(p => p.Add(c => c.Entries, new[]
        {
            new TimelineEntry(at, "OfferAccepted", "NOR's offer accepted; 3 place(s) held.", "system"),
            new TimelineEntry(at, "TravelDeparted", "Travel Departed.", "Vwu.Officer"),
            new TimelineEntry(at, "SomethingNew", "A later server's event.", "system"),
        }));

        var items = list.FindAll("[data-event]");
        Assert.Equal(["Offre acceptée", "Départ effectué", "SomethingNew"], items.Select(i => i.QuerySelector("strong")!.TextContent));
        Assert.Contains("NOR's offer accepted; 3 place(s) held.", items[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("2026-11-30 09:15 UTC", items[0].TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fr", "Vwu.Officer", "Agent de l'Unité d'aide aux victimes et aux témoins")]
    [InlineData("fr", "system", "système")]
    [InlineData("en", "Vwu.Officer", "VWU officer")]
    [InlineData("en", "NOR", "NOR")]
    public void Render_ByRoleClaim_ReadsAsWordsUnknownAsSent(string language, string by, string expected)
    {
        using var ctx = new ConsoleTestContext();
        ctx.Text.Use(language);

        var list = ctx.Render<TimelineList>(p => p.Add(c => c.Entries, new[] { new TimelineEntry(DateTimeOffset.UnixEpoch, "TravelDeparted", "Travel Departed.", by) }));

        Assert.Contains($"UTC · {expected}", list.Find("[data-event]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_French_DetailWordedFromItsCodeWithEnumArgumentsInFrenchUnknownOrMissingCodeInEnglish()
    {
        using var ctx = new ConsoleTestContext();
        ctx.Text.Use("fr");
        var at = new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero);
        var args = new Dictionary<string, string> { ["state"] = "NOR", ["decision"] = "Decline", ["round"] = "2" };

        var list = ctx.Render<TimelineList>(p => p.Add(c => c.Entries, new[]
        {
            new TimelineEntry(at, "DeclineReceived", "NOR answered Decline in round 2.", "State.FocalPoint") { Explanation = new CaseExplanation("Answered", args) },
            new TimelineEntry(at, "AcceptanceRefused", "NOR cannot hold 3 place(s) any more: full.", "system")
            {
                Explanation = CaseExplanation.Of(CaseDetailCode.RefusedCannotHold, ("state", "NOR"), ("places", 3)),
            },
            new TimelineEntry(at, "SomethingNew", "A later server's detail.", "system") { Explanation = new CaseExplanation("SomethingNew") },
            new TimelineEntry(at, "RoundClosed", "Round 1 closed.", "system"),
        }));

        Assert.Equal(
            ["NOR a répondu au tour 2 : Refus.", "NOR ne peut plus réserver 3 place(s).", "A later server's detail.", "Round 1 closed."],
            list.FindAll("[data-event] .detail").Select(d => d.TextContent));
        Assert.Equal("RefusedCannotHold", list.FindAll("[data-event] .detail")[1].GetAttribute("data-detail"));
    }

    [Fact]
    public void Render_English_TheServersDetailEvenWithACode()
    {
        using var ctx = new ConsoleTestContext();
        var entry = new TimelineEntry(DateTimeOffset.UnixEpoch, "RoundClosed", "Round 1 closed.", "system") { Explanation = CaseExplanation.Of(CaseDetailCode.RoundClosed, ("round", 1)) };

        var list = ctx.Render<TimelineList>(p => p.Add(c => c.Entries, new[] { entry }));

        Assert.Equal("Round 1 closed.", list.Find("[data-event] .detail").TextContent);
    }

    // A detail code the domain adds must get its words in both languages (and each enum its arguments name), so a
    // French timeline never falls back to English for it.
    [Fact]
    public void Detail_EveryCodeTheDomainGives_HasEnglishAndFrenchWords()
    {
        var english = new Services.Text();
        var french = new Services.Text();
        french.Use("fr");

        Assert.All(Enum.GetNames<CaseDetailCode>(), code =>
        {
            Assert.True(english["Detail." + code] != "Detail." + code, $"no English words for {code}");
            Assert.True(french["Detail." + code] != english["Detail." + code], $"no French words for {code}");
        });
        Enum[] arguments = [.. Enum.GetValues<TravelStep>().Cast<Enum>(), .. Enum.GetValues<TravelDocuments>().Cast<Enum>()];
        Assert.All(arguments, value => Assert.True(french.Of(value) != english.Of(value), $"no French words for {value.GetType().Name}.{value}"));
    }

    [Fact]
    public void Render_LanguageSwitchedToEnglish_EventCodesReadInEnglish()
    {
        using var ctx = new ConsoleTestContext();
        var list = ctx.Render<TimelineList>(p => p.Add(c => c.Entries, new[] { new TimelineEntry(DateTimeOffset.UnixEpoch, "Escalated", "x", "system") }));

        Assert.Equal("Escalated to the Registrar", list.Find("[data-event] strong").TextContent);
    }

    // An event the domain adds to the timeline must get its words in both languages: read from the code that writes the
    // timeline (RelocationCase's Log calls), so a new event fails here rather than showing its code in a French screen.
    [Fact]
    public void Event_EveryCodeTheDomainLogs_HasEnglishAndFrenchWords()
    {
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "functions", "Relocation.Domain", "Relocations", "RelocationCase.cs"));
        string[] codes =
        [
            .. LoggedCode().Matches(source).Select(m => m.Groups["code"].Value),
            .. LoggedChoice().Matches(source).SelectMany(m => new[] { m.Groups["a"].Value, m.Groups["b"].Value }),
            .. Enum.GetNames<ExtensionDecision>().Select(d => "Extension" + d),
            .. Enum.GetNames<TravelStep>().Select(s => "Travel" + s),
        ];
        var english = new Services.Text();
        var french = new Services.Text();
        french.Use("fr");

        Assert.True(codes.Length >= 20, $"only {codes.Length} codes found: has the Log call changed shape?");
        Assert.Contains("OfferReceived", codes);
        Assert.Contains("\"Extension\" + decision", source, StringComparison.Ordinal);
        Assert.Contains("\"Travel\" + step", source, StringComparison.Ordinal);
        Assert.All(codes.Distinct(StringComparer.Ordinal), code =>
        {
            Assert.True(english["Timeline." + code] != "Timeline." + code, $"no English words for {code}");
            Assert.True(french.Event(code) != english.Event(code), $"no French words for {code}");
        });
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Relocation.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    [GeneratedRegex("""\bLog\(now, "(?<code>[A-Za-z]+)"[,)]""")]
    private static partial Regex LoggedCode();

    [GeneratedRegex("""\bLog\(now, [^"\n]*\? "(?<a>[A-Za-z]+)" : "(?<b>[A-Za-z]+)",""")]
    private static partial Regex LoggedChoice();
}
