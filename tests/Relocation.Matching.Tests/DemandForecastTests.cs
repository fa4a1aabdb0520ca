using Relocation.Domain.Relocations;
using static Relocation.Matching.Tests.Instances;

namespace Relocation.Matching.Tests;

public sealed class DemandForecastTests
{
    private static PlanRequest Past(string id, RelocationPriority priority, int daysAgo, bool medical = false) =>
        Req(id, priority, medical: medical) with { SubmittedAt = Now.AddDays(-daysAgo) };

    [Fact]
    public void Expected_ThreeEmergenciesIn180Days_TwoOver120DaysCopyingTheLatestFirst()
    {
        // 3 in 180 days = 2 in 120; the latest is copied first; Urgent and older requests are not history.
        var past = new[]
        {
            Past("old", RelocationPriority.Emergency, 200), Past("e1", RelocationPriority.Emergency, 150),
            Past("e2", RelocationPriority.Emergency, 90, medical: true), Past("e3", RelocationPriority.Emergency, 10), Past("u1", RelocationPriority.Urgent, 5),
        };

        var forecast = new DemandForecast().Expected(past, Now, "f");

        Assert.Equal(["f-0-e3", "f-1-e2"], forecast.Select(f => f.Id));
        Assert.All(forecast, f => Assert.Equal((RelocationPriority.Emergency, "forecast"), (f.Priority, f.Pseudonym)));
        Assert.True(forecast[1].Need.NeedsMedicalCare);
        // Spread over the horizon (days 30 and 90), due 7 days after each arrival.
        Assert.Equal([30, 90], forecast.Select(f => (int)(f.SubmittedAt - Now.UtcDateTime.Date).TotalDays));
        Assert.Equal(DateOnly.FromDateTime(Now.UtcDateTime.Date.AddDays(37)), forecast[0].Need.RelocationDueOn);
    }

    [Fact]
    public void Expected_YoungRegister_RateOverItsOwnAgeOfAtLeast30Days()
    {
        // Two Emergencies in a register 20 days old: the rate is counted over 30 days, so 8 are expected over 120.
        var past = new[] { Past("e1", RelocationPriority.Emergency, 15), Past("e2", RelocationPriority.Emergency, 5) };

        var forecast = new DemandForecast().Expected(past, Now, "f", observedSince: Now.AddDays(-20));

        Assert.Equal(8, forecast.Count);
        Assert.Equal(["e2", "e1", "e2", "e1"], forecast.Take(4).Select(f => f.Id.Split('-')[2]));
    }

    [Fact]
    public void Expected_NoEmergencyInTheWindowOrNoHorizon_Nothing()
    {
        Assert.Empty(new DemandForecast().Expected([Past("u", RelocationPriority.Urgent, 3)], Now, "f"));
        Assert.Empty(new DemandForecast { HorizonDays = 0 }.Expected([Past("e", RelocationPriority.Emergency, 3)], Now, "f"));
    }
}
