using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Relocation.Domain.Security;
using Relocation.Testing;

namespace Relocation.History;

/// <summary>One route's latencies on one store.</summary>
internal sealed record RouteResult(string Route, IReadOnlyList<double> Milliseconds, int Throttled)
{
    /// <summary>Each timed request's start and end (Stopwatch timestamps), to set against the emulator's stalls.</summary>
    public IReadOnlyList<(long Start, long End)> Spans { get; init; } = [];

    /// <summary>What the <see cref="StallProbe"/> saw while this route was timed.</summary>
    public StallSummary? Stalls { get; init; }

    public double P50 => Percentile(0.50);

    public double P95 => Percentile(0.95);

    private double Percentile(double p)
    {
        if (Milliseconds.Count == 0)
        {
            return double.NaN;
        }

        var sorted = Milliseconds.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}

/// <summary>
/// The load: the host is its own process and this one drives it over HTTP, <c>clients</c> callers at once, each sending
/// its share of the requests back to back. Reads are timed request to answer; <c>POST /api/relocations</c> from the
/// request until the case shows its first round's offer requests out (what the requester waits for); the acceptance
/// from the request until its answer (which comes once the places are held).
/// </summary>
internal sealed class Load(HttpClient http, int clients, int requests, Func<StallProbe>? probe = null)
{
    private static readonly string Vwu = TestTokens.For(Roles.VwuOfficer, subject: "bench-vwu");
    private static readonly string Finance = TestTokens.For(Roles.FinanceOfficer);
    private static readonly string Auditor = TestTokens.For(Roles.Auditor);
    private static readonly string Admin = TestTokens.For(Roles.RegistryAdmin);
    private readonly ConcurrentBag<string> _created = [];

    public async Task<IReadOnlyList<RouteResult>> RunAsync(string asOf, CancellationToken ct)
    {
        var results = new List<RouteResult>();
        var caseId = await CreateAndWaitAsync(-1, ct);
        results.Add(await TimeAsync("GET /api/relocations/{id}", _ => GetAsync($"relocations/{caseId}", Vwu, ct), ct));
        results.Add(await TimeAsync("GET /api/relocations", _ => GetAsync("relocations", Vwu, ct), ct));
        results.Add(await TimeAsync("GET /api/states/{code}/capacity", _ => GetAsync("states/NOR/capacity", Vwu, ct), ct));
        results.Add(await TimeAsync("GET /api/fund/balance", _ => GetAsync("fund/balance", Finance, ct), ct));
        results.Add(await TimeAsync("GET /api/fund/balance?asOf=", _ => GetAsync($"fund/balance?asOf={asOf}", Finance, ct), ct));
        results.Add(await TimeAsync("GET /api/audit (first page)", _ => GetAsync("audit", Auditor, ct), ct));
        results.Add(await TimeAsync("GET /api/audit/verify", _ => GetAsync("audit/verify", Auditor, ct), ct));
        results.Add(await TimeAsync("GET /api/outbox?status=Sent", _ => GetAsync("outbox?status=Sent", Admin, ct), ct));
        results.Add(await TimeAsync("POST /api/relocations (request → offers out)", i => CreateAndWaitAsync(i, ct), ct));

        // The State asked most often among the new cases: its focal point's list has the most open requests.
        var asked = new ConcurrentBag<(string Id, string State)>();
        await Parallel.ForEachAsync(_created, new ParallelOptions { MaxDegreeOfParallelism = clients, CancellationToken = ct }, async (id, token) =>
        {
            var view = await GetJsonAsync($"relocations/{id}", Vwu, token);
            var rounds = view.GetProperty("rounds");
            asked.Add((id, rounds[rounds.GetArrayLength() - 1].GetProperty("askedStates")[0].GetString()!));
        });
        var busiest = asked.GroupBy(a => a.State).OrderByDescending(g => g.Count()).First().Key;
        var focal = TestTokens.For(Roles.StateFocalPoint, busiest);
        Console.WriteLine($"  offer-requests: {busiest}, asked first by {asked.Count(a => a.State == busiest)} of the {asked.Count} new cases");
        results.Add(await TimeAsync($"GET /api/states/{{code}}/offer-requests", _ => GetAsync($"states/{busiest}/offer-requests", focal, ct), ct));

        // Each new case gets an offer from its first asked State (not timed), then VWU accepts it (timed).
        await Parallel.ForEachAsync(asked, new ParallelOptions { MaxDegreeOfParallelism = clients, CancellationToken = ct }, async (a, token) =>
            await SendAsync(HttpMethod.Post, $"relocations/{a.Id}/responses", TestTokens.For(Roles.StateFocalPoint, a.State), new { stateCode = a.State, decision = "Offer", places = 1 }, token));
        var queue = new ConcurrentQueue<(string Id, string State)>(asked);
        results.Add(await TimeAsync("POST …/acceptance", async _ =>
        {
            if (queue.TryDequeue(out var a))
            {
                await SendAsync(HttpMethod.Post, $"relocations/{a.Id}/acceptance", Vwu, new { stateCode = a.State }, ct);
            }
        }, ct));
        return results;
    }

    private async Task<RouteResult> TimeAsync(string route, Func<int, Task> call, CancellationToken ct)
    {
        // A warm-up call per client, not counted: JIT, connections, the host's caches.
        if (!route.StartsWith("POST", StringComparison.Ordinal))
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => call(-1)));
        }

        var times = new ConcurrentBag<double>();
        var spans = new ConcurrentBag<(long, long)>();
        var next = -1;
        var watching = probe?.Invoke();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) is var i && i < requests)
            {
                var start = Stopwatch.GetTimestamp();
                await call(i);
                var end = Stopwatch.GetTimestamp();
                times.Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
                spans.Add((start, end));
            }
        }));
        StallSummary? stalls = null;
        if (watching is not null)
        {
            await watching.DisposeAsync();
            stalls = StallSummary.Of(watching, [.. spans]);
        }

        return new RouteResult(route, [.. times], _throttled.Exchange(0)) { Spans = [.. spans], Stalls = stalls };
    }

    private readonly ThrottleCount _throttled = new();

    private async Task<string> CreateAndWaitAsync(int i, CancellationToken ct)
    {
        var created = await SendAsync(HttpMethod.Post, "relocations", Vwu, new
        {
            caseReference = "ICC-02/05-01/09", pseudonym = string.Create(CultureInfo.InvariantCulture, $"B-{Math.Max(0, i):D4}"), kind = "TemporaryRelocation", priority = "Emergency",
            consent = new { givenOn = DateOnly.FromDateTime(DateTime.UtcNow), recordedBy = "VWU officer", scope = "Relocation" },
            household = new { adults = 1, children = 0 }, needs = new { languages = new[] { "en" }, medicalCare = false },
            protectedPerson = new { fullName = "Bench Person", dateOfBirth = "1990-01-01", currentLocation = "Somewhere", contact = "+00 0" },
        }, ct);
        var id = created.GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var view = await GetJsonAsync($"relocations/{id}", Vwu, ct);
            if (view.GetProperty("status").GetString() == "AwaitingOffers" && view.GetProperty("rounds").GetArrayLength() > 0)
            {
                if (i >= 0)
                {
                    _created.Add(id);
                }

                return id;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Case {id} sent no offer request in 5 minutes: {view}");
            }

            await Task.Delay(20, ct);
        }
    }

    /// <summary>
    /// Waits for the host's first audit walk (background, at start) to record its result, and answers how long that
    /// took: the routes are timed on the store as it stands in service, not while the walk reads ten years.
    /// </summary>
    public async Task<TimeSpan> FirstAuditWalkAsync(CancellationToken ct)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!(await GetJsonAsync("audit/verify", Auditor, ct)).TryGetProperty("verifiedAt", out _))
        {
            await Task.Delay(500, ct);
        }

        return watch.Elapsed;
    }

    private async Task GetAsync(string path, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private async Task<JsonElement> GetJsonAsync(string path, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.Clone() : throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {text}");
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string token, object body, CancellationToken ct)
    {
        var key = Guid.NewGuid().ToString();
        while (true)
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new("Bearer", token);
            request.Headers.Add("Idempotency-Key", key);
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // The bench raises the host's write limit; if it still bites, the retry is counted and reported.
                _throttled.Add();
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(200), ct);
                continue;
            }

            return response.IsSuccessStatusCode
                ? text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone()
                : throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }
    }

    private sealed class ThrottleCount
    {
        private int _count;

        public void Add() => Interlocked.Increment(ref _count);

        public int Exchange(int value) => Interlocked.Exchange(ref _count, value);
    }
}
