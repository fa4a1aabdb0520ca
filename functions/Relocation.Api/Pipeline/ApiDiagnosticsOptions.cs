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
}
