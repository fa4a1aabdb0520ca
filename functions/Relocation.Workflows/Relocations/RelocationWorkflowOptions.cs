using System.ComponentModel.DataAnnotations;
using Relocation.Domain.Relocations;

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
    /// States an Emergency round asks; unset, <see cref="RoundSize"/>. PRODUCT.md fixes the rounds (up to 3), not how many
    /// States a round asks. Asking more raises the chance that one offers inside the 24-hour window, and discloses the
    /// request (need-to-know fields only) to more States (measured: bench/README.md, simulation; docs/matching.md).
    /// </summary>
    [Range(1, 200)]
    public int? EmergencyRoundSize { get; set; }

    /// <summary>The States a round of this priority asks.</summary>
    public int RoundSizeFor(RelocationPriority priority) =>
        priority == RelocationPriority.Emergency ? EmergencyRoundSize ?? RoundSize : RoundSize;

    /// <summary>
    /// Multiplies the relocation due time after acceptance (7/42/365 days); unset, <see cref="ClockScale"/> applies.
    /// Separate so a test can run the placement clock out in seconds while the rounds keep a usable response window.
    /// </summary>
    [Range(0.0000001, 1.0)]
    public double? PlacementClockScale { get; set; }

    /// <summary>
    /// The request that creates a case opens its first round in-process (<see cref="RoundOpening"/>); off, only the
    /// orchestration's activity does, after the engine dispatched it. On in production; the load driver turns it off to
    /// measure the difference (bench/README.md, Load).
    /// </summary>
    public bool OpenFirstRoundWithRequest { get; set; } = true;

    /// <summary>
    /// Matching v2 keeps places for expected Emergencies (the reservation, docs/matching.md): every plan of the open set
    /// adds a forecast (<see cref="Relocation.Matching.DemandForecast"/>) made from the Emergency requests of the last
    /// <see cref="ReservationHistoryDays"/>, so a Normal or Urgent request does not take the place an Emergency is likely to
    /// need within <see cref="ReservationHorizonDays"/>; a real Emergency always comes first. Measured in
    /// bench/Relocation.Simulation (bench/README.md). Off: plain v2.
    /// </summary>
    public bool ReserveForExpectedEmergencies { get; set; } = true;

    [Range(1, 730)]
    public int ReservationHorizonDays { get; set; } = 120;

    [Range(30, 730)]
    public int ReservationHistoryDays { get; set; } = 180;

    /// <summary>The forecast model the options ask for, or null (plain v2).</summary>
    public Relocation.Matching.DemandForecast? Reservation => ReserveForExpectedEmergencies
        ? new Relocation.Matching.DemandForecast { HorizonDays = ReservationHorizonDays, HistoryDays = ReservationHistoryDays }
        : null;

    /// <summary>
    /// The acceptance request holds the places, commits the money and records the decision in-process
    /// (<see cref="OfferAcceptance"/>) and answers with it; the orchestration's saga steps join that work or find it done
    /// on the rows. Off, the request waits for the saga to do it after the engine dispatched it. On in production; the
    /// load driver turns it off to measure the difference (bench/README.md, Load).
    /// </summary>
    public bool AcceptWithRequest { get; set; } = true;

    /// <summary>
    /// The arrival request applies the arrival in-process (<see cref="CaseArrival"/>: places used, protection-review
    /// notice, review clock) and answers with the review due date; the step stays pending and the orchestration's
    /// <see cref="ApplyArrivalActivity"/> finds the work done, marks it applied and follows the placement. Off, the request
    /// answers once the step is recorded and the orchestration does it all after the engine dispatched it. On in
    /// production; the load driver turns it off to measure the difference (bench/README.md, Load).
    /// </summary>
    public bool ArriveWithRequest { get; set; } = true;
}
