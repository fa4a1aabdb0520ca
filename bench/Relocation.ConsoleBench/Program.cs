using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

// Usage: dotnet run -c Release --project bench/Relocation.ConsoleBench -- [--url http://127.0.0.1:7071/] [--runs 5]
// Against a running local host (ideally the published one: see bench/README.md). Each run is a fresh browser context,
// so nothing is cached: a first visit.
var url = Arg("--url") ?? "http://127.0.0.1:7071/";
var runs = int.Parse(Arg("--runs") ?? "5", CultureInfo.InvariantCulture);

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-dev-shm-usage"],
});

var results = new List<(long Bytes, int Requests, double SignInReady, double Caseload, double Warm)>();
for (var run = 0; run < runs; run++)
{
    var context = await browser.NewContextAsync();
    var page = await context.NewPageAsync();
    long bytes = 0;
    var requests = 0;
    var pending = new List<Task>();
    page.RequestFinished += (_, request) => pending.Add(Task.Run(async () =>
    {
        var sizes = await request.SizesAsync();
        Interlocked.Add(ref bytes, sizes.ResponseBodySize + sizes.ResponseHeadersSize);
        Interlocked.Increment(ref requests);
    }));

    // Navigation -> the sign-in page is interactive -> signed in as VWU -> the caseload grid is shown and usable.
    var clock = Stopwatch.StartNew();
    await page.GotoAsync(url + "signin");
    await page.Locator("[data-test=signin]:enabled").WaitForAsync();
    var signInReady = clock.Elapsed.TotalMilliseconds;
    await page.Locator("[data-test=role]").SelectOptionAsync("Vwu.Officer");
    await page.Locator("[data-test=signin]").ClickAsync();
    await page.Locator("[data-test=caseload] table").WaitForAsync();
    await page.Locator("[data-test=filter]:enabled").WaitForAsync();
    var caseload = clock.Elapsed.TotalMilliseconds;
    await Task.WhenAll(pending.ToArray());
    var firstVisit = bytes;
    var firstRequests = requests;

    // The same tab loads the console again: what a returning user pays (HTTP cache warm; the sign-in is gone by design).
    var warm = Stopwatch.StartNew();
    await page.GotoAsync(url + "signin");
    await page.Locator("[data-test=signin]:enabled").WaitForAsync();
    results.Add((firstVisit, firstRequests, signInReady, caseload, warm.Elapsed.TotalMilliseconds));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"run {run + 1}: first visit {firstVisit / 1024.0 / 1024.0:0.000} MB in {firstRequests} requests; sign-in interactive {signInReady:0} ms; caseload interactive {caseload:0} ms; warm reload to sign-in {warm.Elapsed.TotalMilliseconds:0} ms"));
    await context.CloseAsync();
}

double Median(IEnumerable<double> xs)
{
    var s = xs.Order().ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"median of {runs}: first visit {Median(results.Select(r => (double)r.Bytes)) / 1024 / 1024:0.000} MB; navigation -> interactive sign-in {Median(results.Select(r => r.SignInReady)):0} ms; navigation -> interactive caseload (sign-in included) {Median(results.Select(r => r.Caseload)):0} ms; warm reload {Median(results.Select(r => r.Warm)):0} ms"));
return 0;

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
