using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Relocation.Domain.Security;
using Relocation.LocalHost;
using Relocation.LocalHost.Dependencies;
using Relocation.Testing;

namespace Relocation.LoadDriver;

/// <summary>
/// Issue 12's figure: from <c>POST /api/relocations</c> until the request's offer-request mails are in the local SMTP
/// server (smtp4dev, read through its HTTP API), with N requests raised at once. The local host runs as a user runs it,
/// relaying to that smtp4dev with the production relay settings.
/// </summary>
internal static partial class MailLatency
{
    public static async Task<string> RunAsync(string connectionString, int requests, BenchPorts ports, CancellationToken cancellationToken)
    {
        await using var smtp = await Smtp4devServer.StartOnFreePortsAsync(RepositoryPaths.Root, TextWriter.Null, cancellationToken);
        await using var host = new LocalHostProcess(connectionString, ports.Host, extraArguments: ["--smtp-port", smtp.SmtpPort.ToString(CultureInfo.InvariantCulture)]);
        host.Environment["Workflows__Relocations__RoundSize"] = Floor.StatesAsked.ToString(CultureInfo.InvariantCulture);
        host.Environment["Logging__LogLevel__Default"] = "Warning";
        await host.StartAsync(cancellationToken);
        var http = host.Http;
        var admin = TestTokens.For(Roles.RegistryAdmin);
        var vwu = TestTokens.For(Roles.VwuOfficer);
        foreach (var code in Ours.States)
        {
            await Ours.SendAsync(http, HttpMethod.Put, $"states/{code}", admin, new
            {
                name = code, region = "WesternEuropeanOther", languages = new[] { "en" }, romeStatuteParty = true, apicParty = true,
                focalPoints = new[] { new { name = "Desk", email = $"desk@{code.ToLowerInvariant()}.example.org", phone = "+00 70 000 0000" } },
            }, cancellationToken);
            await Ours.SendAsync(http, HttpMethod.Post, $"states/{code}/capacity", TestTokens.For(Roles.StateFocalPoint, code), new
            {
                kinds = new[] { "TemporaryRelocation" }, places = 5000, maxHouseholdSize = 10, languages = new[] { "en" }, medicalCare = true,
                availableFrom = "2026-01-01", availableUntil = "2030-01-01", needsFundSupport = false,
            }, cancellationToken);
        }

        var started = new ConcurrentDictionary<string, TimeSpan>(StringComparer.Ordinal);
        var first = new ConcurrentDictionary<string, TimeSpan>(StringComparer.Ordinal);
        var all = new ConcurrentDictionary<string, TimeSpan>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var mailbox = new HttpClient { BaseAddress = smtp.WebUrl };
        var poller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var now = clock.Elapsed;
                var list = await mailbox.GetFromJsonAsync<JsonElement>("api/messages?pageSize=100000", stop.Token);
                var perCase = list.GetProperty("results").EnumerateArray()
                    .Select(m => Pseudonym().Match(m.GetProperty("subject").GetString() ?? string.Empty))
                    .Where(m => m.Success).GroupBy(m => m.Value, StringComparer.Ordinal);
                foreach (var group in perCase)
                {
                    first.TryAdd(group.Key, now);
                    if (group.Count() >= Floor.StatesAsked)
                    {
                        all.TryAdd(group.Key, now);
                    }
                }

                await Task.Delay(100, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }, stop.Token);

        await Parallel.ForEachAsync(Enumerable.Range(0, requests), new ParallelOptions { MaxDegreeOfParallelism = requests, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var pseudonym = $"W-{i:D4}";
            started[pseudonym] = clock.Elapsed;
            await Ours.SendAsync(http, HttpMethod.Post, "relocations", vwu, new
            {
                caseReference = $"ICC-01/04-01/{i:D2}", pseudonym, kind = "TemporaryRelocation", priority = "Emergency",
                household = new { adults = 1, children = 0 }, needs = new { languages = new[] { "en" }, medicalCare = false },
                protectedPerson = new { fullName = "Bench Person", dateOfBirth = "1990-01-01", currentLocation = "Somewhere", contact = "+00 0" },
            }, ct);
        });

        var deadline = clock.Elapsed + TimeSpan.FromMinutes(10);
        while (all.Count < requests && clock.Elapsed < deadline)
        {
            await Task.Delay(100, cancellationToken);
        }

        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await poller.ContinueWith(_ => { }, TaskScheduler.Default);
        var toFirst = first.Select(p => (p.Value - started[p.Key]).TotalMilliseconds).Order().ToArray();
        var toAll = all.Select(p => (p.Value - started[p.Key]).TotalMilliseconds).Order().ToArray();
        var peak = Ours.PeakMemoryMb(host.ProcessId);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {requests} | {toAll.Length}/{requests} | {elapsed.TotalSeconds:F1} | {P(toFirst, 0.5):F0} | {P(toFirst, 0.95):F0} | {P(toAll, 0.5):F0} | {P(toAll, 0.95):F0} | {peak} |");
    }

    private static double P(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    [GeneratedRegex(@"W-\d{4}", RegexOptions.CultureInvariant)]
    private static partial Regex Pseudonym();
}
