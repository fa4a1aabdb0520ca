using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Relocation.Api.Json;
using Relocation.Domain.Fund;
using Relocation.Domain.Security;
using Relocation.LocalHost;
using Relocation.LocalHost.Azurite;
using Relocation.LocalHost.Engine;
using Relocation.Storage;
using Relocation.Testing.Builders;
using Relocation.Workflows.Agreements;
using Relocation.Workflows.Relocations;

namespace Relocation.Testing.Faults;

/// <summary>What one harness run saw.</summary>
public sealed record FaultReport(
    int Kills,
    int StepsInFlight,
    int StepsRecovered,
    IReadOnlyList<double> RecoveryMs,
    int StepsLost,
    int AcceptedSteps,
    int Postings,
    IReadOnlyList<string> Violations)
{
    /// <summary>Ungraceful (SIGKILL) kills of the storage emulator among <see cref="Kills"/>.</summary>
    public int StorageKills { get; init; }

    /// <summary>Acknowledged probe writes the emulator no longer had after its restarts (one every 50 ms).</summary>
    public int ProbeWritesLost { get; init; }

    /// <summary>The longest stretch of acknowledged writes one storage kill lost, in ms.</summary>
    public double LossWindowMaxMs { get; init; }

    /// <summary>What the emulator's own losses took (answered receipts, steps), told apart from product violations.</summary>
    public IReadOnlyList<string> LostByEmulator { get; init; } = [];

    public double RecoveryP50 => RecoveryMs.Count == 0 ? 0 : RecoveryMs.Order().ElementAt(RecoveryMs.Count / 2);

    public double RecoveryMax => RecoveryMs.Count == 0 ? 0 : RecoveryMs.Max();

    public string Table() =>
        "| kills | of which storage (SIGKILL) | steps in flight at the kills | recovered | recovery p50 | recovery max | lost | steps accepted in all | postings | acknowledged writes the emulator lost (longest window) |\n" +
        "|---|---|---|---|---|---|---|---|---|---|\n" +
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"| {Kills} | {StorageKills} | {StepsInFlight} | {StepsRecovered} | {RecoveryP50 / 1000:0.0} s | {RecoveryMax / 1000:0.0} s | {StepsLost} | {AcceptedSteps} | {Postings} | {ProbeWritesLost} probe writes ({LossWindowMaxMs / 1000:0.0} s) |");
}

/// <summary>
/// The fault-injection harness of issue 10. Drives agreements (lifecycle events), relocations (answers, acceptance
/// with a Special Fund commitment, arrival, cancellation) and fund receipts concurrently against the local host, kills
/// the host with SIGKILL at random instants (so kills land between a row write and its raise, inside activities and
/// around timers), restarts it, and measures per kill: the steps in flight (the pending-step index at the kill), how
/// long until every one of them is applied, and any not applied within 60 s (lost). At the end it checks the
/// invariants: no place held or used beyond what was registered, the ledger sums to zero with at most one
/// commitment per case, no posting twice, and no case stuck outside a terminal or waiting state.
/// </summary>
public sealed class FaultHarness(AzuriteServer azurite, LocalHostProcess host, Action<string> log)
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(50);
    private const decimal Cost = 100m;
    private static readonly string Admin = TestTokens.For(Roles.RegistryAdmin, subject: "harness-admin");
    private static readonly string Vwu = TestTokens.For(Roles.VwuOfficer, subject: "harness-vwu");
    private static readonly string Finance = TestTokens.For(Roles.FinanceOfficer, subject: "harness-finance");
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly string[] English = ["en"];
    private static readonly string[] AgreementCycle = ["Signed", "EnteredIntoForce", "Suspended", "Resumed", "Suspended", "Resumed", "Terminated"];

    private readonly List<string> _agreements = [];
    private readonly Dictionary<string, DateTimeOffset> _createdAt = new(StringComparer.Ordinal);
    private readonly List<(string Id, bool Fund, bool Cancel)> _cases = [];
    private readonly HashSet<string> _receiptKeys = [];
    private readonly HashSet<string> _attemptedReceiptKeys = [];
    private readonly List<DateTimeOffset> _receiptAnsweredAt = [];
    private readonly List<DateTimeOffset> _storageKilledAt = [];

    /// <summary>Steps set aside because the emulator lost their orchestration's start (see <see cref="SetAsideLostStartsAsync"/>), with why.</summary>
    private readonly Dictionary<string, string> _startsLostByEmulator = new(StringComparer.Ordinal);
    private AzuriteServer _azurite = azurite;
    private long _probeAcked;
    private int _receiptAttempts;
    private int _accepted;
    private int _places;

    /// <summary>The classification of the emulator's losses, on the emulator now running.</summary>
    private EmulatorLosses Losses => new(_azurite.ConnectionString);

    /// <summary>The emulator now running: after a storage kill it is a new one, which the caller disposes.</summary>
    public AzuriteServer Storage => _azurite;

    /// <param name="kills">Host kills (SIGKILL), each followed by a restart.</param>
    /// <param name="seed">Drives the kill instants and the drivers' choices.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <param name="storageKillEvery">Every n-th kill also SIGKILLs the storage emulator (0: never). It must have been started on a data folder.</param>
    public async Task<FaultReport> RunAsync(int kills, int seed, CancellationToken cancellationToken, int storageKillEvery = 0)
    {
        var random = new Random(seed);
        await SetUpAsync();
        int inFlight = 0, recovered = 0, lost = 0, probeLost = 0;
        double lossWindowMax = 0;
        var recoveries = new List<double>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var drivers = Task.WhenAll(Enumerable.Range(0, 3).Select(d => DriveAsync(d, seed + d, stop.Token)));
        var probe = storageKillEvery > 0 ? ProbeAsync(stop.Token) : Task.CompletedTask;
        for (var kill = 1; kill <= kills; kill++)
        {
            await Task.Delay(random.Next(300, 2500), cancellationToken);
            var storageKill = storageKillEvery > 0 && kill % storageKillEvery == 0;
            await host.KillAsync();
            var killedAt = DateTimeOffset.UtcNow;
            if (storageKill)
            {
                // Right behind the host, before the emulator's next autosave: what it acknowledged since its last save is gone.
                var acked = Interlocked.Read(ref _probeAcked);
                _azurite = await _azurite.KillUngracefullyAndRestartAsync(TextWriter.Null, cancellationToken);
                lock (_storageKilledAt)
                {
                    _storageKilledAt.Add(killedAt);
                }

                var kept = await ProbeSavedAsync();
                var gone = (int)Math.Max(0, acked - kept);
                probeLost += gone;
                lossWindowMax = Math.Max(lossWindowMax, gone * ProbeInterval.TotalMilliseconds);
                log($"kill {kill}: storage SIGKILLed too; it lost {gone} acknowledged probe write(s), about {gone * ProbeInterval.TotalMilliseconds:0} ms");
            }

            var pending = await PendingAsync(killedAt);
            inFlight += pending.Count;
            await host.StartAsync(cancellationToken);
            var restarted = Stopwatch.StartNew();
            var left = pending;
            while (left.Count > 0 && restarted.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100, cancellationToken);
                var now = await PendingAsync(killedAt);
                left = left.Intersect(now).ToHashSet();
            }

            var setAside = await SetAsideLostStartsAsync(left);
            left.ExceptWith(setAside);
            recovered += pending.Count - left.Count - setAside.Count;
            lost += left.Count;
            if (pending.Count > 0)
            {
                recoveries.Add(restarted.Elapsed.TotalMilliseconds);
            }

            var lostDetail = left.Count > 0 ? $", {left.Count} LOST: {string.Join(", ", await DescribeAsync(left))}" : string.Empty;
            var setAsideDetail = setAside.Count > 0 ? $", {setAside.Count} set aside (the emulator lost their orchestration's start): {string.Join(", ", setAside)}" : string.Empty;
            log($"kill {kill}: {pending.Count} step(s) in flight, {pending.Count - left.Count - setAside.Count} applied {restarted.Elapsed.TotalMilliseconds:0} ms after the host answered{lostDetail}{setAsideDetail}");
        }

        await stop.CancelAsync();
        await drivers;
        await probe;
        var (violations, lostByEmulator) = await CheckInvariantsAsync();
        var postings = (await LedgerAsync()).Count;
        return new FaultReport(kills, inFlight, recovered, recoveries, lost, _accepted, postings, violations)
        {
            StorageKills = _storageKilledAt.Count,
            ProbeWritesLost = probeLost,
            LossWindowMaxMs = lossWindowMax,
            LostByEmulator = lostByEmulator,
        };
    }

    /// <summary>Upserts one row with a rising number every 50 ms and remembers the last one storage acknowledged.</summary>
    private async Task ProbeAsync(CancellationToken stop)
    {
        var table = new TableClient(_azurite.ConnectionString, "HarnessProbe");
        long next = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await table.CreateIfNotExistsAsync(CancellationToken.None);
                while (!stop.IsCancellationRequested)
                {
                    next++;
                    await table.UpsertEntityAsync(new TableEntity("probe", "last") { ["Seq"] = next }, TableUpdateMode.Replace, CancellationToken.None);
                    Interlocked.Exchange(ref _probeAcked, next);
                    await Task.Delay(ProbeInterval, CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException or AggregateException)
            {
                // Storage is down: write again once it is back.
                await Task.Delay(ProbeInterval, CancellationToken.None);
            }
        }
    }

    private async Task<long> ProbeSavedAsync()
    {
        var table = new TableClient(_azurite.ConnectionString, "HarnessProbe");
        try
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>("probe", "last");
            return row.HasValue ? row.Value!.GetInt64("Seq") ?? 0 : 0;
        }
        catch (Azure.RequestFailedException)
        {
            return 0;
        }
    }

    private async Task SetUpAsync()
    {
        _places = 2000;
        foreach (var (code, fund) in new[] { ("NOR", false), ("SWE", true) })
        {
            await SendOkAsync(HttpMethod.Put, $"states/{code}", Admin, new StateInputBuilder().With(i => i with { Name = code, Languages = ["en"] }).BuildBody());
            await SendOkAsync(HttpMethod.Post, $"states/{code}/capacity", TestTokens.For(Roles.StateFocalPoint, code),
                new CapacityInputBuilder().With(i => i with { Places = _places, MaxHouseholdSize = 5, AvailableFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1), AvailableUntil = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1), NeedsFundSupport = fund }).BuildBody());
        }

        await SendOkAsync(HttpMethod.Post, "fund/receipts", Finance,
            new { donorStateCode = "NOR", amount = new { value = 10_000_000m, currency = "EUR" }, eurValue = 10_000_000m, date = Today }, "harness-seed-receipt");
    }

    /// <summary>One driver: keeps an agreement, a case and a receipt moving, step by step, through every outage.</summary>
    private async Task DriveAsync(int driver, int seed, CancellationToken stop)
    {
        var random = new Random(seed);
        string? agreement = null;
        var agreementStep = 0;
        (string Id, bool Fund, bool Cancel)? relocation = null;
        string? receiptKey = null;
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                switch (n++ % 3)
                {
                    case 0:
                        if (agreement is null || agreementStep >= AgreementCycle.Length)
                        {
                            var created = await TrySendAsync(HttpMethod.Post, "agreements", Admin, new AgreementInputBuilder().With(i => i with { StateCode = "NOR" }).BuildBody(), Guid.NewGuid().ToString("N"));
                            if (created is { } c)
                            {
                                agreement = c.GetProperty("id").GetString();
                                agreementStep = 0;
                                lock (_agreements)
                                {
                                    _agreements.Add(agreement!);
                                    _createdAt[agreement!] = DateTimeOffset.UtcNow;
                                }
                            }
                        }
                        else
                        {
                            var view = await TrySendAsync(HttpMethod.Get, $"agreements/{agreement}", Admin, null, null);
                            if (view is { } v && v.GetProperty("pendingEvents").GetInt32() == 0)
                            {
                                var done = v.GetProperty("history").EnumerateArray().Count(h => !h.TryGetProperty("rejectedBecause", out var r) || r.ValueKind == JsonValueKind.Null);
                                agreementStep = done;
                                if (agreementStep < AgreementCycle.Length
                                    && await TrySendAsync(HttpMethod.Post, $"agreements/{agreement}/events", Admin, new { @event = AgreementCycle[agreementStep], date = Today }, Guid.NewGuid().ToString("N")) is not null)
                                {
                                    Interlocked.Increment(ref _accepted);
                                }
                            }
                        }

                        break;
                    case 1:
                        relocation = await StepCaseAsync(relocation, driver, random);
                        break;
                    default:
                        // A receipt whose answer was lost (killed under it) is retried with the same key, as a client would.
                        receiptKey ??= $"harness-receipt-{driver}-{n}";
                        Interlocked.Increment(ref _receiptAttempts);
                        lock (_receiptKeys)
                        {
                            _attemptedReceiptKeys.Add(receiptKey);
                        }

                        if (await TrySendAsync(HttpMethod.Post, "fund/receipts", Finance,
                                new { donorStateCode = "SWE", amount = new { value = 10m, currency = "EUR" }, eurValue = 10m, date = Today }, receiptKey) is not null)
                        {
                            lock (_receiptKeys)
                            {
                                _receiptKeys.Add(receiptKey);
                                _receiptAnsweredAt.Add(DateTimeOffset.UtcNow);
                            }

                            receiptKey = null;
                        }

                        break;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or OperationCanceledException)
            {
                // The host is down or restarting: carry on in a moment.
            }

            await Task.Delay(random.Next(20, 120), CancellationToken.None);
        }
    }

    private async Task<(string Id, bool Fund, bool Cancel)?> StepCaseAsync((string Id, bool Fund, bool Cancel)? current, int driver, Random random)
    {
        if (current is not { } c)
        {
            var created = await TrySendAsync(HttpMethod.Post, "relocations", Vwu, new
            {
                caseReference = $"ICC-01/04-01/H{driver}",
                pseudonym = $"W-H{driver}",
                kind = "TemporaryRelocation",
                priority = "Emergency", consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = "VWU officer", scope = "Relocation and transfer of the case file" },
                household = new { adults = 1, children = 0 },
                needs = new { languages = English, medicalCare = false },
                protectedPerson = new { fullName = "Harness Person", dateOfBirth = "1980-01-01", currentLocation = "Somewhere", contact = "none" },
            }, Guid.NewGuid().ToString("N"));
            if (created is null)
            {
                return null;
            }

            var next = (created.Value.GetProperty("id").GetString()!, random.Next(2) == 0, random.Next(4) == 0);
            lock (_cases)
            {
                _cases.Add(next);
            }

            lock (_agreements)
            {
                _createdAt[next.Item1] = DateTimeOffset.UtcNow;
            }

            return next;
        }

        var view = await TrySendAsync(HttpMethod.Get, $"relocations/{c.Id}", Vwu, null, null);
        if (view is not { } v)
        {
            return current;
        }

        var state = c.Fund ? "SWE" : "NOR";
        var status = v.GetProperty("status").GetString();
        var processing = v.TryGetProperty("lastAcceptance", out var a) && a.ValueKind == JsonValueKind.Object && a.GetProperty("outcome").GetString() == "Processing";
        var offered = v.GetProperty("offers").EnumerateArray().Any(o => o.GetProperty("stateCode").GetString() == state);
        var asked = v.TryGetProperty("rounds", out var rounds) && rounds.EnumerateArray().Any(r => r.GetProperty("askedStates").EnumerateArray().Any(s => s.GetString() == state));
        switch (status)
        {
            case "Relocated" or "Cancelled" or "Escalated":
                return null;
            case "AwaitingOffers" when c.Cancel:
            case "OfferAccepted" when c.Cancel:
                await StepAsync($"relocations/{c.Id}/cancellation", Vwu, new { reason = "harness" });
                break;
            case "AwaitingOffers" when !offered && asked:
                await StepAsync($"relocations/{c.Id}/responses", TestTokens.For(Roles.StateFocalPoint, state), new { stateCode = state, decision = "Offer", estimatedCost = new { amount = Cost, currency = "EUR" } }, counts: false);
                break;
            case "AwaitingOffers" when offered && !processing:
                await StepAsync($"relocations/{c.Id}/acceptance", Vwu, new { stateCode = state });
                break;
            case "OfferAccepted":
                await StepAsync($"relocations/{c.Id}/arrival", Vwu, new { arrivedOn = Today });
                break;
        }

        return current;
    }

    private async Task StepAsync(string path, string token, object body, bool counts = true)
    {
        if (await TrySendAsync(HttpMethod.Post, path, token, body, Guid.NewGuid().ToString("N")) is not null && counts)
        {
            Interlocked.Increment(ref _accepted);
        }
    }

    /// <summary>The steps recorded (in the pending-step index) before <paramref name="before"/> and not applied yet.</summary>
    private async Task<HashSet<string>> PendingAsync(DateTimeOffset before)
    {
        var table = new TableClient(_azurite.ConnectionString, "PendingSteps");
        var set = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            if (row.GetDateTimeOffset("RecordedAt") is { } at && at < before && !_startsLostByEmulator.ContainsKey(row.RowKey))
            {
                set.Add(row.RowKey);
            }
        }

        return set;
    }

    /// <summary>
    /// Of the steps still pending a minute after a restart, those the emulator made unrecoverable (after a storage kill,
    /// with the step recorded before it): the shapes and why they are the emulator's, not ours, are in
    /// <see cref="EmulatorLosses.LostByEmulatorAsync"/>, which <c>EmulatorLossesTests</c> builds in a real task hub.
    /// </summary>
    private async Task<HashSet<string>> SetAsideLostStartsAsync(HashSet<string> left)
    {
        var setAside = new HashSet<string>(StringComparer.Ordinal);
        if (left.Count == 0 || _storageKilledAt.Count == 0)
        {
            return setAside;
        }

        var lastStorageKill = _storageKilledAt.Max();
        var losses = Losses;
        foreach (var key in left)
        {
            if (await losses.LostByEmulatorAsync(key, lastStorageKill) is { } why)
            {
                setAside.Add(key);
                _startsLostByEmulator[key] = why;
            }
        }

        return setAside;
    }

    /// <summary>
    /// Each step with its orchestration's runtime status, the tail of its history and the messages queued for it (for
    /// the log): what a lost step's orchestration is waiting for, so a failure says whether the emulator lost a
    /// message or our protocol left the step behind.
    /// </summary>
    private async Task<IReadOnlyList<string>> DescribeAsync(IEnumerable<string> keys)
    {
        var described = new List<string>();
        foreach (var key in keys)
        {
            var losses = Losses;
            var instanceId = EmulatorLosses.InstanceIdOf(key);
            var evidence = instanceId is null ? string.Empty
                : $"; history tail: {await losses.HistoryTailAsync(instanceId)}; queued: {string.Join(", ", (await losses.QueuedForAsync(instanceId)).Select(q => $"{q.Queue} {q.Naming}/{q.Peeked}"))}";
            described.Add($"{key} (orchestration {await losses.InstanceStatusAsync(key) ?? "missing"}{evidence})");
        }

        return described;
    }

    private async Task<(List<string> Violations, List<string> LostByEmulator)> CheckInvariantsAsync()
    {
        var violations = new List<string>();
        var lostByEmulator = new List<string>();

        // Every step accepted before the end is applied within 60 s, and every case ends terminal or waiting.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await PendingAsync(DateTimeOffset.UtcNow)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        var stillPending = await PendingAsync(DateTimeOffset.UtcNow);
        stillPending.ExceptWith(await SetAsideLostStartsAsync(stillPending));
        foreach (var left in await DescribeAsync(stillPending))
        {
            violations.Add($"step {left} still pending 60 s after the last kill");
        }

        lostByEmulator.AddRange(_startsLostByEmulator.Values);
        var lostStarts = _startsLostByEmulator.Keys.Select(k => k.Split('|')).Where(p => p.Length == 3).Select(p => p[1]).ToHashSet(StringComparer.Ordinal);

        foreach (var id in _agreements)
        {
            if (await FindAsync($"agreements/{id}", Admin, id, lostByEmulator, violations) is not { } view)
            {
                continue;
            }

            if (view.GetProperty("pendingEvents").GetInt32() != 0 && !lostStarts.Contains(id))
            {
                violations.Add($"agreement {id} has {view.GetProperty("pendingEvents").GetInt32()} event(s) never applied");
            }
        }

        var accepted = 0;
        foreach (var (id, _, _) in _cases)
        {
            if (await FindAsync($"relocations/{id}", Vwu, id, lostByEmulator, violations) is not { } view)
            {
                continue;
            }

            var status = view.GetProperty("status").GetString();
            accepted += status == "OfferAccepted" ? 1 : 0;
            if (status is not ("Relocated" or "Cancelled" or "Escalated" or "AwaitingOffers" or "OfferAccepted" or "Submitted"))
            {
                violations.Add($"case {id} is {status}");
            }
        }

        // No place held or used beyond what was registered.
        foreach (var code in new[] { "NOR", "SWE" })
        {
            var list = await SendOkAsync(HttpMethod.Get, $"states/{code}/capacity", Admin, null);
            foreach (var c in list.EnumerateArray())
            {
                var (places, held, used) = (c.GetProperty("places").GetInt32(), c.GetProperty("held").GetInt32(), c.GetProperty("used").GetInt32());
                if (held + used > places || held < 0 || used < 0)
                {
                    violations.Add($"{code} capacity: {held} held + {used} used of {places}");
                }
            }
        }

        // Places are held exactly for the accepted cases (one place each): the acceptance request holds them, the saga
        // joins or finds that hold after a kill, and every refusal or cancellation releases what was held. A release
        // follows its step's completion by one activity, so the count is given a few seconds to settle.
        var placesHeld = await HeldAsync();
        for (var i = 0; i < 60 && placesHeld != accepted; i++)
        {
            await Task.Delay(500);
            placesHeld = await HeldAsync();
        }

        if (placesHeld != accepted)
        {
            var finding = $"{placesHeld} place(s) held for {accepted} accepted case(s)";
            if (_storageKilledAt.Count > 0)
            {
                // An ungraceful storage kill can lose a capacity write and keep the case's (or the reverse).
                lostByEmulator.Add($"{finding}; storage was killed {_storageKilledAt.Count} time(s)");
            }
            else
            {
                violations.Add(finding);
            }
        }

        // The ledger: balanced, no posting twice, at most one commitment per case, every receipt once.
        var postings = await LedgerAsync();
        if (postings.SelectMany(p => p.Entries).Sum(e => e.EurMinor) != 0)
        {
            violations.Add("the ledger does not sum to zero");
        }

        violations.AddRange(postings.Where(p => p.Entries.Sum(e => e.EurMinor) != 0).Select(p => $"posting {p.Id} is unbalanced"));
        if (postings.Count != postings.Select(p => p.Id).Distinct().Count())
        {
            violations.Add("a posting id appears twice");
        }

        violations.AddRange(postings.Where(p => p.Kind == PostingKind.Commitment && p.RelocationId is not null)
            .GroupBy(p => p.RelocationId).Where(g => g.Count() > 1).Select(g => $"case {g.Key} has {g.Count()} commitments"));
        // Every key answered is posted once; a key retried after a kill is posted at most once.
        var receipts = postings.Count(p => p.Kind == PostingKind.Receipt && p.DonorStateCode == "SWE");
        // A receipt answered in the last seconds before a storage SIGKILL can be gone with the emulator's unsaved writes:
        // that is the emulator's loss (Azure Storage does not lose an acknowledged write), counted apart; any more is ours.
        var atRisk = _receiptAnsweredAt.Count(at => _storageKilledAt.Any(k => at <= k && at > k - TimeSpan.FromSeconds(6)));
        var missing = _receiptKeys.Count - receipts;
        if (missing > 0 && missing <= atRisk)
        {
            lostByEmulator.Add($"{missing} answered receipt(s) of {atRisk} answered within 6 s before a storage kill");
        }
        else if (receipts < _receiptKeys.Count || receipts > _attemptedReceiptKeys.Count)
        {
            violations.Add($"{receipts} receipts posted for {_receiptKeys.Count} answered and {_attemptedReceiptKeys.Count} distinct keys tried ({_receiptAttempts} attempts)");
        }

        return (violations, lostByEmulator);
    }

    private async Task<int> HeldAsync()
    {
        var held = 0;
        foreach (var code in new[] { "NOR", "SWE" })
        {
            held += (await SendOkAsync(HttpMethod.Get, $"states/{code}/capacity", Admin, null)).EnumerateArray().Sum(c => c.GetProperty("held").GetInt32());
        }

        return held;
    }

    /// <summary>
    /// Reads what the harness created; one that is gone is the emulator's loss when it was created in the 6 s before a
    /// storage kill (it saves every 5 s), and a violation otherwise.
    /// </summary>
    private async Task<JsonElement?> FindAsync(string path, string token, string id, List<string> lostByEmulator, List<string> violations)
    {
        using var response = await host.Http.SendAsync(LocalHostProcess.Request(HttpMethod.Get, path, token));
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            return await SendOkAsync(HttpMethod.Get, path, token, null);
        }

        var created = _createdAt[id];
        if (_storageKilledAt.Any(k => created <= k && created > k - TimeSpan.FromSeconds(6)))
        {
            lostByEmulator.Add($"{path}: answered 201 {created:HH:mm:ss.fff}, gone with the emulator's unsaved writes");
        }
        else
        {
            violations.Add($"{path} is gone");
        }

        return null;
    }

    private async Task<IReadOnlyList<Posting>> LedgerAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DataStorage"] = _azurite.ConnectionString }).Build();
        await using var services = new ServiceCollection().AddRelocationStorage(configuration).BuildServiceProvider();
        var ledger = services.GetRequiredService<IFundLedger>();
        var postings = new List<Posting>();
        await foreach (var posting in ledger.ReadAllAsync(CancellationToken.None))
        {
            postings.Add(posting);
        }

        return postings;
    }

    private async Task<JsonElement?> TrySendAsync(HttpMethod method, string path, string token, object? body, string? key)
    {
        using var response = await host.Http.SendAsync(LocalHostProcess.Request(method, path, token, body is null ? null : JsonContent.Create(body, options: ApiJson.Options), key));
        if ((int)response.StatusCode >= 500)
        {
            log($"{method} {path} answered {(int)response.StatusCode}");
            return null;
        }

        return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : null;
    }

    private async Task<JsonElement> SendOkAsync(HttpMethod method, string path, string token, object? body, string? key = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await host.Http.SendAsync(LocalHostProcess.Request(method, path, token, body is null ? null : JsonContent.Create(body, options: ApiJson.Options), key ?? (method == HttpMethod.Get ? null : Guid.NewGuid().ToString("N"))));
                if (response.IsSuccessStatusCode)
                {
                    return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                }

                if (attempt > 20 || response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError or HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests))
                {
                    throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (HttpRequestException) when (attempt < 20)
            {
                // Restarting.
            }

            await Task.Delay(500);
        }
    }
}
