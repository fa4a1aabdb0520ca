using Relocation.Domain.Audit;
using Relocation.LocalHost.Hosting;

namespace Relocation.LocalHost.Audit;

/// <summary>
/// The local host's stand-in for the Functions timer <c>VerifyAudit</c>: re-walks the audit chains at start and every
/// <c>Audit:VerifyEvery</c> (10 minutes unless configured) and records the result, which <c>GET /api/audit/verify</c>
/// reads instead of walking the whole log inside the request. The period bounds how much a request walks itself (the
/// entries appended since), and how long an old entry changed after its walk goes unreported.
/// </summary>
internal sealed partial class AuditVerificationService(IAuditLog audit, IConfiguration configuration, TimeProvider time, ILogger<AuditVerificationService> logger)
    : PeriodicPassService(time, logger)
{
    /// <summary>The period when none is configured; the Functions timer runs on the same one.</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromMinutes(10);

    protected override string Job => "audit-verify";

    protected override TimeSpan Period { get; } = configuration.GetValue<TimeSpan?>("Audit:VerifyEvery") is { } every && every > TimeSpan.Zero ? every : DefaultPeriod;

    protected override async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var result = await audit.VerifyAsync(cancellationToken);
        if (result.FirstBreak is { } found)
        {
            LogBreak(logger, found.Partition, found.Sequence, result.Checked);
        }
    }

    [LoggerMessage(EventId = 314, Level = LogLevel.Error, Message = "Audit chain broken in {Partition} at entry {Sequence} ({Checked} entries walked)")]
    private static partial void LogBreak(ILogger logger, string partition, long sequence, long @checked);
}
