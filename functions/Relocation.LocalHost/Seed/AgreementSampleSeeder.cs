using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DurableTask.Client;
using Relocation.Domain.Agreements;
using Relocation.Domain.States;
using Relocation.Workflows.Agreements;

namespace Relocation.LocalHost.Seed;

/// <summary>
/// Agreements of <c>Seed/Data/agreements.json</c> (public facts, sources in SOURCES.md) with their historical dates,
/// each with its lifecycle orchestration started. An agreement whose status cannot be rebuilt from dated facts (a
/// termination without a known date, a signature known only by its year) is left out rather than given an invented date.
/// </summary>
internal sealed class AgreementSampleSeeder(IAgreementRepository agreements, IStateRepository states, DurableTaskClient workflows, TimeProvider time) : ISampleSeeder
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly List<string> _seeded = [];

    public int Order => 10;

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if ((await agreements.ListAsync(cancellationToken)).Count > 0)
        {
            return;
        }

        var registered = (await states.ListAsync(cancellationToken)).Select(s => s.Code).ToHashSet(StringComparer.Ordinal);
        await using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Seed", "Data", "agreements.json"));
        var rows = await JsonSerializer.DeserializeAsync<Row[]>(stream, Json, cancellationToken) ?? [];
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var (row, index) in rows.Select((r, i) => (r, i)))
        {
            var steps = Steps(row).ToArray();
            if (!registered.Contains(row.StateCode) || steps.Length == 0 && row.Status != AgreementStatus.Negotiating)
            {
                continue;
            }

            var id = $"{index:D4}{row.StateCode.ToLowerInvariant()}".PadRight(32, '0');
            var agreement = Agreement.Create(id, new AgreementCommand(row.StateCode, row.Type, row.Arrangement, row.Type != AgreementType.SentenceEnforcement,
                row.Type == AgreementType.WitnessRelocation, row.Title, null, null), today, now);
            foreach (var (e, date) in steps)
            {
                agreement.Accept(new AgreementEventCommand(e, date, "Public record; see SOURCES.md."), today, "sample-data", "sample-data", now);
            }

            agreement.ApplyPending();
            await agreements.AddAsync(agreement, cancellationToken);
            _seeded.Add(id);
        }
    }

    public async Task AfterStartAsync(CancellationToken cancellationToken)
    {
        foreach (var id in _seeded)
        {
            await AgreementInstance.StartAsync(workflows, id, cancellationToken);
        }

        _seeded.Clear();
    }

    private static IEnumerable<(AgreementEvent Event, DateOnly Date)> Steps(Row row)
    {
        switch (row.Status)
        {
            case AgreementStatus.Signed when row.SignedOn is { } signed:
                yield return (AgreementEvent.Signed, signed);
                break;
            case AgreementStatus.InForce when row.SignedOn is { } signed && row.InForceOn is { } inForce:
                yield return (AgreementEvent.Signed, signed);
                yield return (AgreementEvent.EnteredIntoForce, inForce);
                break;
        }
    }

    private sealed record Row(string StateCode, AgreementType Type, Arrangement Arrangement, string? Signed, string? InForce, AgreementStatus Status, string Title)
    {
        [JsonPropertyName("signedOn")]
        public string? Signed { get; init; } = Signed;

        [JsonPropertyName("inForceOn")]
        public string? InForce { get; init; } = InForce;

        // Some sources give only a year; such a date is not precise enough to record.
        [JsonIgnore]
        public DateOnly? SignedOn => Day(Signed);

        [JsonIgnore]
        public DateOnly? InForceOn => Day(InForce);

        private static DateOnly? Day(string? text) =>
            DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) ? d : null;
    }
}
