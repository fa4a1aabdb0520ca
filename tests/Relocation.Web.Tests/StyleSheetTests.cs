using System.Globalization;
using System.Text.RegularExpressions;

namespace Relocation.Web.Tests;

/// <summary>The console's style sheet, read as written: what a page's structure cannot show by itself.</summary>
public sealed partial class StyleSheetTests
{
    // A level the style sheet does not size falls back to the browser's (h3: 1.17em), which can be as large as the
    // console's h2 above it: the placement page's message subjects looked like section headings.
    [Fact]
    public void Headings_EveryLevelThePagesUse_SizedSmallerThanTheLevelAbove()
    {
        var css = Repository.Read("functions", "Relocation.Web", "wwwroot", "css", "app.css");
        var sizes = HeadingRule().Matches(css).ToDictionary(m => int.Parse(m.Groups["level"].Value, CultureInfo.InvariantCulture), m => double.Parse(m.Groups["rem"].Value, CultureInfo.InvariantCulture));
        var pages = Directory.GetFiles(Path.Combine(Repository.Root, "functions", "Relocation.Web"), "*.razor", SearchOption.AllDirectories);
        var used = pages.SelectMany(p => HeadingTag().Matches(File.ReadAllText(p))).Select(m => int.Parse(m.Groups["level"].Value, CultureInfo.InvariantCulture)).Distinct().Order().ToList();

        Assert.Contains(3, used);
        Assert.All(used, level =>
        {
            Assert.True(sizes.ContainsKey(level), $"app.css gives h{level} no font-size of its own");
            if (level > 1)
            {
                Assert.True(sizes[level] < sizes[level - 1], $"h{level} ({sizes[level]}rem) is not smaller than h{level - 1} ({sizes[level - 1]}rem)");
            }
        });
    }

    [GeneratedRegex(@"^h(?<level>[1-6]) \{ font-size: (?<rem>[0-9.]+)rem;", RegexOptions.Multiline)]
    private static partial Regex HeadingRule();

    [GeneratedRegex("<h(?<level>[1-6])[ >]")]
    private static partial Regex HeadingTag();
}
