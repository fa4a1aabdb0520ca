using System.ComponentModel.DataAnnotations;

namespace Relocation.Workflows.Relocations;

/// <summary>How many States a round asks, and a scale on the priority table's clock (1 in production; tests shrink it).</summary>
public sealed class RelocationWorkflowOptions
{
    public const string SectionName = "Workflows:Relocations";

    [Range(1, 20)]
    public int RoundSize { get; set; } = 3;

    /// <summary>Multiplies the response deadlines of the priority table; only tests set it below 1.</summary>
    [Range(0.000001, 1.0)]
    public double ClockScale { get; set; } = 1.0;

    /// <summary>
    /// Multiplies the relocation due time after acceptance (7/42/365 days); unset, <see cref="ClockScale"/> applies.
    /// Separate so a test can run the placement clock out in seconds while the rounds keep a usable response window.
    /// </summary>
    [Range(0.0000001, 1.0)]
    public double? PlacementClockScale { get; set; }
}
