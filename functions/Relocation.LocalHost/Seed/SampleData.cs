using System.Text.Json;
using System.Text.Json.Serialization;
using Relocation.Domain.Capacities;
using Relocation.Domain.States;

namespace Relocation.LocalHost.Seed;

/// <summary>One feature's sample data for <c>--seed-sample</c>; each writes only into an empty store.</summary>
public interface ISampleSeeder
{
    /// <summary>Lower runs first: States before what refers to them.</summary>
    int Order { get; }

    /// <summary>Writes the sample data, before the host answers requests.</summary>
    Task SeedAsync(CancellationToken cancellationToken);

    /// <summary>Work that needs the running engine (starting orchestrations), after the host has started.</summary>
    Task AfterStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Runs every <see cref="ISampleSeeder"/> in order.</summary>
public sealed class SampleData(IEnumerable<ISampleSeeder> seeders)
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        foreach (var seeder in seeders.OrderBy(s => s.Order))
        {
            await seeder.SeedAsync(cancellationToken);
        }
    }

    public async Task AfterStartAsync(CancellationToken cancellationToken)
    {
        foreach (var seeder in seeders.OrderBy(s => s.Order))
        {
            await seeder.AfterStartAsync(cancellationToken);
        }
    }
}

/// <summary>
/// The States of <c>Seed/Data/states.json</c> (public facts, see SOURCES.md; an unknown party status is taken as
/// false) with an illustrative focal point each, and illustrative capacity for a few of them. Contact details use
/// the reserved <c>example.org</c> domain and <c>+00</c> numbers: they are not real people.
/// </summary>
internal sealed class StateSampleSeeder(IStateRepository states, ICapacityRepository capacities, TimeProvider time) : ISampleSeeder
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly (string State, RelocationKind[] Kinds, int Places, int Household, bool Medical, bool Fund)[] Capacity =
    [
        ("ARG", [RelocationKind.WitnessRelocation, RelocationKind.TemporaryRelocation], 6, 5, true, true),
        ("BEL", [RelocationKind.InterimRelease, RelocationKind.AcquittedPersonRelocation], 2, 4, true, false),
        ("TCD", [RelocationKind.WitnessRelocation, RelocationKind.TemporaryRelocation], 4, 6, false, true),
        ("NOR", [RelocationKind.TemporaryRelocation], 3, 4, true, false),
        ("SEN", [RelocationKind.TemporaryRelocation, RelocationKind.WitnessRelocation], 5, 6, true, true),
        ("FIN", [RelocationKind.WitnessRelocation], 2, 3, true, false),
    ];

    public int Order => 0;

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if ((await states.ListAsync(cancellationToken)).Count > 0)
        {
            return;
        }

        await using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Seed", "Data", "states.json"));
        var rows = await JsonSerializer.DeserializeAsync<StateRow[]>(stream, Json, cancellationToken) ?? [];
        foreach (var row in rows)
        {
            var focalPoint = new FocalPointFields($"ICC cooperation desk ({row.Name})", $"icc-desk-{row.Code.ToLowerInvariant()}@example.org", "+00 70 000 0000");
            var state = State.Register(row.Code, new StateCommand(row.Name, row.Region, row.Languages ?? [], row.RomeStatuteParty ?? false, row.ApicParty ?? false, [focalPoint]));
            await states.SaveAsync(state, null, cancellationToken);
        }

        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var (code, kinds, places, household, medical, fund) in Capacity)
        {
            var state = rows.First(r => r.Code == code);
            var terms = CapacityTerms.From(new CapacityCommand(kinds.Cast<RelocationKind?>().ToArray(), places, household, state.Languages ?? [], medical, today, today.AddYears(2), fund));
            await capacities.AddAsync(Domain.Capacities.Capacity.Register($"sample{code.ToLowerInvariant()}".PadRight(32, '0'), code, terms, now), cancellationToken);
        }
    }

    private sealed record StateRow(string Code, string Name, RegionalGroup Region, string?[]? Languages, bool? RomeStatuteParty, bool? ApicParty);
}

/// <summary>Registration of the sample data.</summary>
public static class SampleDataServiceCollectionExtensions
{
    public static IServiceCollection AddRelocationSampleData(this IServiceCollection services)
    {
        services.AddSingleton<SampleData>();
        services.AddSingleton<ISampleSeeder, StateSampleSeeder>();
        services.AddSingleton<ISampleSeeder, AgreementSampleSeeder>();
        services.AddSingleton<ISampleSeeder, FundSampleSeeder>();
        return services;
    }
}
