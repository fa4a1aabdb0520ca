using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Relocation.Domain.Agreements;
using Relocation.Domain.Audit;
using Relocation.Domain.Outbox;
using Relocation.Domain.Relocations;
using Relocation.Domain.Capacities;
using Relocation.Domain.Common;
using Relocation.Domain.Fund;
using Relocation.Domain.States;
using Relocation.Domain.Steps;
using Relocation.Storage.Agreements;
using Relocation.Storage.Audit;
using Relocation.Storage.CaseFiles;
using Relocation.Storage.Notifications;
using Relocation.Storage.Relocations;
using Relocation.Storage.Capacities;
using Relocation.Storage.Configuration;
using Relocation.Storage.Fund;
using Relocation.Storage.Hosts;
using Relocation.Storage.Idempotency;
using Relocation.Storage.States;
using Relocation.Storage.Steps;
using Relocation.Storage.Tables;

namespace Relocation.Storage;

/// <summary>Registers the data account's clients and repositories.</summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddRelocationStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DataStorageOptions>()
            .Configure(o => Bind(configuration, o))
            .Validate(o => !o.Validate().Any(), "Set DataStorage to a connection string, or DataStorage__accountName for an identity-based connection.")
            .ValidateOnStart();
        // The query-kind log is a diagnostic the design guard turns on (docs/storage.md); off, it costs nothing.
        var queryLog = configuration["StorageDiagnostics:QueryLog"] is { Length: > 0 } logPath ? TableQueryLog.ToFile(logPath) : null;
        // Group commit of the keyed index and notice rows (docs/storage.md); "false" only so the bench can compare on one build.
        var groupCommit = !string.Equals(configuration["StorageDiagnostics:GroupCommit"], "false", StringComparison.OrdinalIgnoreCase);
        services.AddSingleton(sp => new StorageClients(sp.GetRequiredService<IOptions<DataStorageOptions>>().Value, queryLog, groupCommit));
        services.AddSingleton<StorageInitializer>();
        services.AddSingleton(TimeProvider.System);

        foreach (var table in new[]
                 {
                     TableNames.States, TableNames.Capacity, Capacities.CapacityRepository.ArchiveTable, TableNames.Audit, AuditLog.VerificationTableFor(TableNames.Audit), TableNames.Idempotency,
                     AgreementRepository.Table, NotificationTables.Messages, NotificationTables.Pending, NotificationTables.ByStatus, NotificationTables.Inbox, RelocationRepository.Table, RelocationRepository.IndexTable, RelocationRepository.HistoryTable, CaseloadIndex.OpenTable, CaseloadIndex.ClosedTable, CaseloadIndex.RecentTable, PendingStepIndex.Table, RelocationStatsIndex.Table,
                 })
        {
            services.AddSingleton(StorageResource.Table(table));
        }

        services.AddSingleton(StorageResource.Table(Candidates.CandidateSnapshot.Table));
        services.AddSingleton<Candidates.CandidateSnapshot>();
        services.AddSingleton<ICandidateData>(sp => sp.GetRequiredService<Candidates.CandidateSnapshot>());
        services.AddSingleton<IStateRepository, StateRepository>();
        services.AddSingleton<ICapacityRepository, CapacityRepository>();
        services.AddSingleton(StorageResource.Container(AuditLog.AnchorContainer));
        services.AddSingleton<IAuditLog, AuditLog>();
        services.AddSingleton(StorageResource.Container(AuditArchive.ContainerFor(TableNames.Audit)));
        services.AddSingleton<AuditArchive>();
        services.AddSingleton<IAuditArchive>(sp => sp.GetRequiredService<AuditArchive>());
        services.AddSingleton(StorageResource.Container(HostInstance.Container));
        services.AddSingleton<HostInstance>();
        services.AddHostedService<HostHeartbeat>();
        services.AddSingleton<IIdempotencyStore, IdempotencyStore>();
        services.AddSingleton<IAgreementRepository, AgreementRepository>();
        services.AddSingleton<IPendingSteps, PendingStepIndex>();
        services.AddRelocationNotifications(configuration);
        services.AddSingleton(StorageResource.Container(AgreementDocuments.Container));
        services.AddSingleton<IAgreementDocuments, AgreementDocuments>();

        services.AddOptions<CaseFileOptions>()
            .Bind(configuration.GetSection(CaseFileOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ICaseFileKeys>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CaseFileOptions>>().Value;
            return options.UsesKeyVault
                ? string.IsNullOrWhiteSpace(options.KeyVaultSecretName)
                    ? new NoCaseFileKeys()
                    : new KeyVaultCaseFileKeys(options, sp.GetRequiredService<IOptions<DataStorageOptions>>().Value, sp.GetRequiredService<TimeProvider>())
                : new ConfiguredCaseFileKeys(options);
        });
        services.AddSingleton<IKeyWrapper>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CaseFileOptions>>().Value;
            return options.UsesKeyVault && !string.IsNullOrWhiteSpace(options.KeyVaultKeyName)
                ? new KeyVaultKeyWrapper(options.KeyVaultUri!, options.KeyVaultKeyName, StorageClients.CreateCredential(sp.GetRequiredService<IOptions<DataStorageOptions>>().Value))
                : new ConfiguredKeyWrapper(sp.GetRequiredService<ICaseFileKeys>());
        });
        services.AddSingleton(StorageResource.Container(CaseFileStore.Container));
        services.AddSingleton<ICaseFileStore, CaseFileStore>();
        services.AddSingleton<IRelocationRepository, RelocationRepository>();
        // How many closed lines the recent table keeps (docs/storage.md); small in the tests that page past it.
        var recentSize = int.TryParse(configuration["Caseload:RecentSize"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : CaseloadIndex.RecentSize;
        services.AddSingleton(sp => new CaseloadIndex(sp.GetRequiredService<StorageClients>(), string.Empty, recentSize));
        services.AddSingleton<RelocationStatsIndex>();
        services.AddSingleton<IRelocationStats>(sp => sp.GetRequiredService<RelocationStatsIndex>());
        services.AddSingleton(StorageResource.Container(RelocationStatsIndex.SealedContainer));
        // The year job (SealYears): each closed year's day rows and statistics lines moved into blobs.
        services.AddSingleton<IYearArchive>(sp => sp.GetRequiredService<RelocationStatsIndex>());
        services.AddSingleton<IYearArchive>(sp => sp.GetRequiredService<TableFundLedger>());
        services.AddSingleton<ICaseloadIndex>(sp => sp.GetRequiredService<CaseloadIndex>());
        services.AddSingleton(StorageResource.Table(TableFundLedger.Table)).AddSingleton(StorageResource.Table(TableFundLedger.DaysTable));
        services.AddSingleton(StorageResource.Container(FundReportStore.Container));
        services.AddSingleton(StorageResource.Container(TableFundLedger.SealedContainer));
        services.AddSingleton(StorageResource.Table(TableFundRegister.Table)).AddSingleton<IFundRegister, TableFundRegister>();
        services.AddOptions<FundOptions>().Bind(configuration.GetSection(FundOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TableFundLedger>().AddSingleton<IFundLedger>(sp => sp.GetRequiredService<TableFundLedger>())
            .AddSingleton<IFundLedgerImport>(sp => sp.GetRequiredService<TableFundLedger>())
            .AddSingleton<IFundArchive>(sp => sp.GetRequiredService<TableFundLedger>()).AddSingleton<IFundReportStore, FundReportStore>()
            .AddSingleton<IFundService>(sp => new FundService(sp.GetRequiredService<IFundLedger>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<FundOptions>>().Value));
        // Finance's commitments to a case: the request posts them, the commitment-intent sweep settles those whose request died.
        services.AddSingleton(StorageResource.Table(CommitmentIntentIndex.Table)).AddSingleton<ICommitmentIntents, CommitmentIntentIndex>()
            .AddSingleton<CaseCommitments>();
        return services;
    }

    /// <summary>The outbox and inboxes, and the relay that e-mails them (started by each host its own way).</summary>
    private static IServiceCollection AddRelocationNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>()
            .Bind(configuration.GetSection(NotificationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<SmtpOptions>()
            .Bind(configuration.GetSection(SmtpOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<NotificationSignal>();
        services.AddSingleton<IOutbox, TableOutbox>();
        services.AddSingleton<IInbox, TableInbox>();
        services.TryAddSingleton<IMailTransport, SmtpMailTransport>();
        services.AddSingleton<NotificationRelay>();
        return services;
    }

    /// <summary>
    /// <c>DataStorage</c> is either a plain value (a connection string) or a section of identity settings, as the Functions
    /// host reads <c>AzureWebJobsStorage</c>.
    /// </summary>
    internal static void Bind(IConfiguration configuration, DataStorageOptions options)
    {
        var section = configuration.GetSection(DataStorageOptions.SectionName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            // DataStorage is the connection string itself; its settings beside it are the connection cap and the bench's trace.
            options.ConnectionString = section.Value;
            options.MaxConnectionsPerEndpoint = section.GetValue<int?>(nameof(DataStorageOptions.MaxConnectionsPerEndpoint));
            options.Trace = section.GetValue<bool>(nameof(DataStorageOptions.Trace));
            return;
        }

        section.Bind(options);
    }
}
