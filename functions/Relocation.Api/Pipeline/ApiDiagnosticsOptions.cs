namespace Relocation.Api.Pipeline;

/// <summary>Measurement aids for the bench; all off by default.</summary>
public sealed class ApiDiagnosticsOptions
{
    public const string SectionName = "ApiDiagnostics";

    /// <summary>
    /// Adds a <c>Server-Timing</c> header to every answer: milliseconds spent in the idempotency claim, the handler, the
    /// idempotency completion and the audit append (durations only, no values). The load driver turns it on to see
    /// where a write's time goes; off in production, where it would tell a caller more than it needs.
    /// </summary>
    public bool ServerTiming { get; set; }

    /// <summary>
    /// Fault injection for the crash tests, never set in a deployment: a <c>POST /api/relocations</c> whose pseudonym is
    /// this value stops right after its case row is written, before its orchestration is scheduled, and waits there (until
    /// its caller gives up) so a test can kill -9 the process at exactly that point and show that the unscheduled-case
    /// sweep recovers the case (docs/durability.md). Null: no request ever stops.
    /// </summary>
    public string? HaltBeforeScheduleFor { get; set; }

    /// <summary>
    /// Fault injection for the crash tests, never set in a deployment: a <c>POST /api/relocations</c> whose pseudonym is
    /// this value stops right after its orchestration is scheduled, before its case row (with round 1) is written, and
    /// waits there so a test can kill -9 the process at that point (docs/durability.md, "The first round"). Null: no
    /// request ever stops.
    /// </summary>
    public string? HaltBeforeRowFor { get; set; }

    /// <summary>
    /// Fault injection for the crash tests, never set in a deployment: a <c>POST /api/relocations</c> whose pseudonym is
    /// this value, on its first attempt, writes its row with round 1 and answers 202, but its orchestration's schedule is
    /// held back (never sent), so a test can kill -9 the process with an answered case that has no orchestration and show
    /// that the unscheduled-case sweep starts it (docs/durability.md, "The first round"). Null: every schedule is sent.
    /// </summary>
    public string? HoldScheduleFor { get; set; }

    /// <summary>
    /// For the bench's before/after in one binary: true makes a first attempt's row (and so its answer) wait for the
    /// orchestration's schedule, as before issue 19's session 12. False by default: the row follows the claim, the case file
    /// and the plan, and the schedule completes beside it or after the answer.
    /// </summary>
    public bool RowWaitsForSchedule { get; set; }

    /// <summary>
    /// For the bench's before/after in one binary: false claims every Idempotency-Key before its handler, also on the routes
    /// that claim beside it (<see cref="Routing.ApiRoute.ClaimsBesideHandler"/>), as before issue 19's session 9. True by default.
    /// </summary>
    public bool ClaimBesideHandler { get; set; } = true;
}
