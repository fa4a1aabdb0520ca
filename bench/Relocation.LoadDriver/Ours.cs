using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.LoadDriver;

/// <summary>
/// The same shape through our system: the local host as a process over HTTP, N urgent relocations at once, each asking
/// the States of its first round, which all offer at once; then acceptance, hold and arrival.
/// </summary>
internal static class Ours
{
    internal static readonly string[] States = ["NOR", "SWE", "FIN", "DNK", "NLD", "BEL", "AUT", "CHE", "DEU", "FRA"];

    public static async Task<(RunResult Result, long PeakMemoryMb)> RunAsync(string connectionString, int cases, int? port, CancellationToken cancellationToken,
        bool openWithRequest = true, bool acceptWithRequest = true, bool groupCommit = true, bool arriveWithRequest = true, bool readAnswers = true, bool acknowledgedWait = false,
        bool offersByGet = false, bool claimFirst = false)
    {
        // --offers-by-get: request→offers runs on to the reply of the status GET that follows the POST (the measure before 2026-12-01).
        _offersByGet = offersByGet;
        // --poll-only: the driver as before issue 19's arrival change, ignoring what an answer already shows.
        _readAnswers = readAnswers;
        await using var host = new LocalHostProcess(connectionString, port, extraArguments: []);
        // A bench, not a client: on a shared machine a 200-case surge's POSTs took longer than the default 60 s (load 25).
        host.Http.Timeout = TimeSpan.FromMinutes(5);
        // --no-request-opening: only the orchestration's activity opens round 1 (the code before issue 19's change).
        host.Environment["Workflows__Relocations__OpenFirstRoundWithRequest"] = openWithRequest ? "true" : "false";
        // --no-request-acceptance: the acceptance waits for the orchestration's saga to hold the places (the code before).
        host.Environment["Workflows__Relocations__AcceptWithRequest"] = acceptWithRequest ? "true" : "false";
        // --no-request-arrival: the arrival is applied only by the orchestration's activity (the code before).
        host.Environment["Workflows__Relocations__ArriveWithRequest"] = arriveWithRequest ? "true" : "false";
        // --acknowledged-wait: a step this host raised and the engine accepted is re-raised after 30 s, not 3 s (off by default).
        host.Environment["Workflows__Reconciler__AcknowledgedWait"] = acknowledgedWait ? "00:00:30" : "00:00:00";
        // --no-group-commit: every index and notice row written alone (the code before the group commit, docs/storage.md).
        host.Environment["StorageDiagnostics__GroupCommit"] = groupCommit ? "true" : "false";
        // Five States asked per round, as in the floor; no agreements, so round 1 takes the five best overall.
        host.Environment["Workflows__Relocations__RoundSize"] = Floor.StatesAsked.ToString(CultureInfo.InvariantCulture);
        host.Environment["Logging__LogLevel__Default"] = "Warning";
        // One line per round opening with where its time went (counts and durations only), summarised after the run.
        host.Environment[$"Logging__LogLevel__{Relocation.Workflows.Relocations.RoundOpening.TimingCategory}"] = "Information";
        // Where a write's time goes (idempotency claim, handler, completion, audit), from each answer's Server-Timing header.
        host.Environment["ApiDiagnostics__ServerTiming"] = "true";
        // --claim-first: the create's Idempotency-Key claimed before its handler, its schedule after the claim (the code before session 9).
        host.Environment["ApiDiagnostics__ClaimBesideHandler"] = claimFirst ? "false" : "true";
        // --host-env NAME=VALUE (repeatable): an experiment's setting for ours' host only (the floor's process is untouched).
        foreach (var (name, value) in HostSettings)
        {
            host.Environment[name] = value;
        }

        await host.StartAsync(cancellationToken);
        var http = host.Http;
        var admin = TestTokens.For(Roles.RegistryAdmin);
        var vwu = TestTokens.For(Roles.VwuOfficer);
        foreach (var code in States)
        {
            await SendAsync(http, HttpMethod.Put, $"states/{code}", admin, new
            {
                name = code, region = "WesternEuropeanOther", languages = new[] { "en" }, romeStatuteParty = true, apicParty = true,
                focalPoints = new[] { new { name = "Desk", email = "desk@example.org", phone = "+00 70 000 0000" } },
            }, cancellationToken);
            await SendAsync(http, HttpMethod.Post, $"states/{code}/capacity", TestTokens.For(Roles.StateFocalPoint, code), new
            {
                kinds = new[] { "TemporaryRelocation" }, places = 5000, maxHouseholdSize = 10, languages = new[] { "en" }, medicalCare = true,
                availableFrom = "2026-01-01", availableUntil = "2030-01-01", needsFundSupport = false,
            }, cancellationToken);
        }

        var dispatched = new List<double>();
        var held = new List<double>();
        var responded = new List<double>();
        var arrived = new List<double>();
        Interlocked.Exchange(ref _gets, 0);
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var answered = new List<double>();
        var statusRead = new List<double>();
        var createTimings = new System.Collections.Concurrent.ConcurrentBag<string>();
        var acceptTimings = new System.Collections.Concurrent.ConcurrentBag<string>();
        // One case first, not measured, so that a run of one measures a warm process (JIT, connections), as a
        // longer run does for all but its first cases; the same for the floor and ours.
        var warmUp = true;
        DateTime burstFrom = default, lastOut = default;
        await RunCaseAsync(cases + Floor.Alone, cancellationToken);
        warmUp = false;
        burstFrom = DateTime.UtcNow;
        lastOut = burstFrom;
        var total = Stopwatch.StartNew();
        // A case alone is run Alone times, one after the other, so its median means something on a shared machine.
        for (var repeat = 0; repeat < (cases == 1 ? Floor.Alone : 1); repeat++)
        {
            await Parallel.ForEachAsync(Enumerable.Range(repeat, cases), new ParallelOptions { MaxDegreeOfParallelism = cases, CancellationToken = cancellationToken }, RunCaseAsync);
        }

        total.Stop();
        var getsWhileMeasured = Interlocked.Read(ref _gets);
        // The clock above stops when every case is done as its user sees it. The engine may still owe work for it: with
        // the arrival applied by the request, the orchestration's ApplyArrivalActivity marks the step applied later.
        // Waited for here and reported, so nothing ours does is hidden after the clock stops.
        var drained = await DrainedAsync(connectionString, ids.ToArray(), cancellationToken);
        var drainedAt = total.Elapsed + drained;

        async ValueTask RunCaseAsync(int i, CancellationToken ct)
        {
            var watch = Stopwatch.StartNew();
            var created = await SendAsync(http, HttpMethod.Post, "relocations", vwu, new
            {
                caseReference = $"ICC-01/04-01/{i:D2}", pseudonym = $"W-{i:D4}", kind = "TemporaryRelocation", priority = "Emergency", consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = "VWU officer", scope = "Relocation and transfer of the case file" },
                household = new { adults = 1, children = 0 }, needs = new { languages = new[] { "en" }, medicalCare = false },
                protectedPerson = new { fullName = "Bench Person", dateOfBirth = "1990-01-01", currentLocation = "Somewhere", contact = "+00 0" },
            }, ct, warmUp ? null : createTimings);
            var answeredAt = watch.Elapsed.TotalMilliseconds;
            var id = created.GetProperty("id").GetString()!;
            if (!warmUp)
            {
                ids.Add(id);
            }

            lock (answered)
            {
                if (!warmUp)
                {
                    answered.Add(answeredAt);
                }
            }

            // "Offers out" is the instant the round is durably on the case, its States told right after (off the answer's
            // path), as the floor's is the instant its round activity starts, its States not told at all. The POST's answer
            // says so: 202 AwaitingOffers is the round on the row the request inserted. Until 2026-12-01 the clock ran on to
            // the reply of the status GET sent after the answer (the answer does not name the asked States): a round trip
            // and a point read the floor, which learns of its round in-process, never pays. That GET is still sent, for the
            // States that answer below, and timed apart; --offers-by-get puts it back on the clock.
            var answeredOut = _readAnswers && !_offersByGet && created.ValueKind == JsonValueKind.Object
                && created.TryGetProperty("status", out var createdStatus) && createdStatus.GetString() == "AwaitingOffers";
            var outAt = answeredAt;
            var (asked, reads) = await WaitCountingAsync(http, vwu, id, view => view.GetProperty("status").GetString() == "AwaitingOffers" && AskedStates(view).Count > 0, ct, created);
            var readAt = watch.Elapsed.TotalMilliseconds;
            if (answeredOut && reads > 1)
            {
                // The round the answer announced asked nobody then (no State fitted): its offers went out only when the
                // GETs above saw States asked, and that is the instant counted.
                outAt = readAt;
            }

            lock (dispatched)
            {
                if (!warmUp)
                {
                    var outUtc = DateTime.UtcNow - TimeSpan.FromMilliseconds(watch.Elapsed.TotalMilliseconds - (answeredOut ? outAt : readAt));
                    lastOut = outUtc > lastOut ? outUtc : lastOut;
                    dispatched.Add(answeredOut ? outAt : readAt);
                    statusRead.Add(readAt);
                }
            }

            var states = AskedStates(asked);
            var responding = Stopwatch.StartNew();
            await Task.WhenAll(states.Select(code => SendAsync(http, HttpMethod.Post, $"relocations/{id}/responses", TestTokens.For(Roles.StateFocalPoint, code),
                new { stateCode = code, decision = "Offer", places = 1 }, ct)));
            Add(responded, responding);
            var accepted = Stopwatch.StartNew();
            // VWU accepts one of the five offers; cases spread over the offering States as real ones would.
            var acceptance = await SendAsync(http, HttpMethod.Post, $"relocations/{id}/acceptance", vwu, new { stateCode = states[i % states.Count] }, ct, warmUp ? null : acceptTimings);
            await WaitAsync(http, vwu, id, view => view.GetProperty("status").GetString() == "OfferAccepted", ct, acceptance);
            lock (held)
            {
                if (!warmUp)
                {
                    held.Add(accepted.Elapsed.TotalMilliseconds);
                }
            }

            var arriving = Stopwatch.StartNew();
            var arrival = await SendAsync(http, HttpMethod.Post, $"relocations/{id}/arrival", vwu, new { arrivedOn = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, ct);
            // The case counts as done for its user when the arrival is applied (places used, review clock set), as the
            // floor's does when its arrival activity ran; "Relocated" alone is the step recorded. The request applies it
            // (ArriveWithRequest) and answers with the review date; otherwise the orchestration does, and this polls.
            // When the orchestration has marked the step applied too is measured once for all cases (DrainedAsync).
            await WaitAsync(http, vwu, id, view => view.GetProperty("status").GetString() == "Relocated"
                && view.TryGetProperty("reviewDueAt", out var due) && due.ValueKind == JsonValueKind.String, ct, arrival);
            Add(arrived, arriving);
        }

        void Add(List<double> list, Stopwatch watch)
        {
            lock (list)
            {
                if (!warmUp)
                {
                    list.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
        }

        var peak = PeakMemoryMb(host.ProcessId);
        Output = [.. host.Output];
        if (OutputLog is { } outputLog)
        {
            // The host's own lines (with --host-env Engine__StorageTrace=true: each engine storage request and sidecar call, timed).
            await File.WriteAllLinesAsync(outputLog, host.Output, cancellationToken);
            Console.WriteLine($"ours, {cases} cases: the host's output is {outputLog}");
        }

        // The last episode (the follow-up look's timer) is written just after the point the driver waits for.
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var work = await EngineWork.CountAsync(connectionString, Relocation.LocalHost.Engine.DurableEngine.TaskHubName, ids.ToArray(), cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ours, {cases} cases: POST /api/relocations answered p50 {RunResult.Percentile(answered, 50):F0} ms, p95 {RunResult.Percentile(answered, 95):F0} ms; the status GET after it replied at p50 {RunResult.Percentile(statusRead, 50):F0} ms, p95 {RunResult.Percentile(statusRead, 95):F0} ms from the POST (request→offers counts {(_offersByGet || !_readAnswers ? "the GET's reply" : "the answer when it says AwaitingOffers")})"));
        foreach (var line in RoundPhases.Summarise(host.Output))
        {
            Console.WriteLine($"ours, {cases} cases: {line}");
        }

        // The reconciler's re-raises (its warning "Re-raised … pending for N s"): each costs the engine an event, an episode
        // and a TakeCaseStep, and a raise at N s says the step was still pending then.
        var reraised = host.Output.Select(l => System.Text.RegularExpressions.Regex.Match(l, @"Re-raised relocation \S+ step \d+, pending for ([0-9.]+) s"))
            .Where(m => m.Success).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 1000).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours, {cases} cases: reconciler re-raises {reraised.Count}, step pending when re-raised p50 / p95 ms {Phase(reraised)}"));
        // A create answers before its orchestration's schedule lands (docs/durability.md, "The first round"): a schedule
        // that had not landed when a step came (the reconciler) or for a minute (the sweep) is started by them and logged.
        var startedLate = host.Output.Count(l => l.Contains(" had no orchestration", StringComparison.Ordinal));
        var failedSchedules = host.Output.Count(l => l.Contains("after its answer failed", StringComparison.Ordinal));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours, {cases} cases: orchestrations started by the reconciler or the sweep {startedLate}, schedules failed after the answer {failedSchedules}"));
        Console.WriteLine($"ours, {cases} cases: POST /api/relocations in the host, {ServerTiming.Summary(createTimings)}");
        Console.WriteLine($"ours, {cases} cases: POST …/acceptance in the host, {ServerTiming.Summary(acceptTimings)}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours, {cases} cases: phases p50 / p95 ms: request→offers {Phase(dispatched)}, the 5 responses (sent at once) {Phase(responded)}, acceptance→hold {Phase(held)}, arrival→applied as the user sees it {Phase(arrived)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours, {cases} cases: GET /api/relocations/{{id}} sent while measured {getsWhileMeasured} ({(double)getsWhileMeasured / Math.Max(1, dispatched.Count):F1} per case); engine drained (every case's steps applied by its orchestration, pending-step index empty) at {drainedAt.TotalSeconds:F1} s, {drained.TotalSeconds:F1} s after the last case was done for its user"));
        return (new RunResult("ours", dispatched.Count, total.Elapsed, dispatched, held) { Work = work, ArrivedMs = arrived, Drained = drainedAt, Burst = (burstFrom, lastOut) }, peak);
    }

    /// <summary>Extra environment for ours' host (<c>--host-env</c>).</summary>
    internal static IReadOnlyList<(string Name, string Value)> HostSettings { get; set; } = [];

    /// <summary>The host's output lines of the last run (the driver reads its storage trace from them).</summary>
    internal static IReadOnlyList<string> Output { get; private set; } = [];

    /// <summary>Where the host's output is written after the run (<c>--storage-log</c>), or nowhere.</summary>
    internal static string? OutputLog { get; set; }

    private static bool _readAnswers = true;

    private static bool _offersByGet;

    /// <summary>GETs of a case's status sent by <see cref="WaitAsync"/> (each one a point read on the shared Azurite).</summary>
    private static long _gets;

    internal static string Phase(IReadOnlyList<double> values) =>
        string.Create(CultureInfo.InvariantCulture, $"{RunResult.Percentile(values, 50):F0} / {RunResult.Percentile(values, 95):F0}");

    /// <summary>
    /// Waits until no step of the run's cases is left in the pending-step index (table PendingSteps, one partition): the
    /// orchestration removes an arrival's entry once its ApplyArrivalActivity has marked the step applied. One read of
    /// that small partition every 500 ms, after the measured clock stopped.
    /// </summary>
    private static async Task<TimeSpan> DrainedAsync(string connectionString, IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var index = new Azure.Data.Tables.TableClient(connectionString, "PendingSteps");
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(10))
        {
            var left = 0;
            await foreach (var row in index.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == "Pending", select: ["SubjectId"], cancellationToken: ct))
            {
                if (row.GetString("SubjectId") is { } subject && wanted.Contains(subject))
                {
                    left++;
                }
            }

            if (left == 0)
            {
                return watch.Elapsed;
            }

            await Task.Delay(500, ct);
        }

        throw new TimeoutException("The engine did not apply every case's steps within 10 minutes.");
    }

    private static List<string> AskedStates(JsonElement view) =>
        view.TryGetProperty("rounds", out var rounds) && rounds.ValueKind == JsonValueKind.Array && rounds.GetArrayLength() > 0
            ? rounds[rounds.GetArrayLength() - 1].GetProperty("askedStates").EnumerateArray().Select(s => s.GetString()!).ToList()
            : [];

    private static async Task<JsonElement> WaitAsync(HttpClient http, string token, string id, Func<JsonElement, bool> done, CancellationToken ct, JsonElement? answer = null) =>
        (await WaitCountingAsync(http, token, id, done, ct, answer)).View;

    /// <summary>As <see cref="WaitAsync"/>, with how many GETs it took (0: the answer showed it).</summary>
    private static async Task<(JsonElement View, int Gets)> WaitCountingAsync(HttpClient http, string token, string id, Func<JsonElement, bool> done, CancellationToken ct,
        JsonElement? answer = null)
    {
        if (_readAnswers && answer is { ValueKind: JsonValueKind.Object } answered && done(answered))
        {
            return (answered, 0);
        }

        var started = DateTime.UtcNow;
        var deadline = started.AddMinutes(10);
        for (var gets = 1; ; gets++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"relocations/{id}");
            request.Headers.Authorization = new("Bearer", token);
            Interlocked.Increment(ref _gets);
            using var response = await http.SendAsync(request, ct);
            var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
            if (response.IsSuccessStatusCode && done(view))
            {
                return (view, gets);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Relocation {id} did not reach the expected state: {view}");
            }

            // Every 25 ms for the first half second (a case alone is measured to that grain), then every 100 ms: at
            // 200 cases a 25 ms poll was thousands of GETs a second on the same two cores as the host and Azurite,
            // which no client of ours does (the floor learns of progress in-process, for free).
            // Past 2 s, every 500 ms: at 200 cases every 100 ms was 2,000 GETs a second against the one Azurite, and the
            // run took 521 s instead of 134 s (quiet, 2026-11-30); a wait that long is measured to half a second.
            var waited = DateTime.UtcNow - started;
            await Task.Delay(waited < TimeSpan.FromMilliseconds(500) ? 25 : waited < TimeSpan.FromSeconds(2) ? 100 : 500, ct);
        }
    }

    internal static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, string token, object body, CancellationToken ct,
        System.Collections.Concurrent.ConcurrentBag<string>? serverTimings = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (serverTimings is not null && response.Headers.TryGetValues("Server-Timing", out var timing))
        {
            serverTimings.Add(string.Join(", ", timing));
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static long PeakMemoryMb(int? pid)
    {
        if (pid is null)
        {
            return -1;
        }

        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
