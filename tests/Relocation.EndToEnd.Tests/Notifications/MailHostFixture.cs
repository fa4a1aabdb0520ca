using System.Globalization;
using Relocation.Testing;

namespace Relocation.EndToEnd.Tests.Notifications;

/// <summary>
/// Azurite, a private smtp4dev, and the local host relaying to it (started with <c>--smtp-port</c>, so it uses that
/// server instead of starting its own). Retries are quick here: 1 s doubling to 5 s.
/// </summary>
public class MailHostFixture : LocalHostFixture
{
    public Smtp4devFixture Mail { get; } = new();

    protected override IReadOnlyList<string> HostArguments => ["--smtp-port", Mail.SmtpPort.ToString(CultureInfo.InvariantCulture)];

    protected override IReadOnlyDictionary<string, string> HostEnvironment => new Dictionary<string, string>
    {
        ["Notifications__RetryBaseDelay"] = "00:00:01",
        ["Notifications__RetryMaxDelay"] = "00:00:05",
        ["Notifications__PollInterval"] = "00:00:00.500",
        ["Notifications__MaxAttempts"] = "100",
        ["Notifications__VwuAddress"] = MailAddresses.Vwu,
        ["Notifications__RegistryAddress"] = MailAddresses.Registry,
        ["Notifications__FinanceAddress"] = MailAddresses.Finance,
        // A claimed message whose sender died is taken again after this plus 10 s.
        ["Smtp__Timeout"] = "00:00:05",
    };

    protected override Task StartDependenciesAsync() => Mail.InitializeAsync();

    protected override Task StopDependenciesAsync() => Mail.DisposeAsync();
}

internal static class MailAddresses
{
    public const string Vwu = "vwu-team@icc.test";
    public const string Registry = "registry-team@icc.test";
    public const string Finance = "finance-team@icc.test";

    public static string FocalPoint(string code) => $"focal-{code.ToLowerInvariant()}@{code.ToLowerInvariant()}.test";
}
