using Microsoft.Extensions.Time.Testing;
using Relocation.Domain.Capacities;
using Relocation.Domain.States;
using Relocation.Testing.Builders;
using Relocation.Testing.Fakes;
using Relocation.Workflows.Notifications;

namespace Relocation.Workflows.Tests.Notifications;

public sealed class CapacityStaleRemindersTests
{
    private static readonly DateTimeOffset Confirmed = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly InMemoryCapacityRepository _capacities = new();
    private readonly InMemoryOutbox _outbox = new();
    private readonly FakeTimeProvider _time = new(Confirmed);

    private async Task AddAsync(string stateCode = "NOR")
    {
        var terms = new CapacityInputBuilder().With(i => i with
        {
            AvailableFrom = DateOnly.FromDateTime(Confirmed.UtcDateTime), AvailableUntil = DateOnly.FromDateTime(Confirmed.UtcDateTime).AddYears(2),
        }).BuildTerms();
        await _capacities.AddAsync(Capacity.Register("cap-1", stateCode, terms, Confirmed), CancellationToken.None);
    }

    [Fact]
    public async Task RunAsync_At79_80And90Days_RemindsOnceAt80AndOnceWhenStale()
    {
        // Arrange
        await AddAsync();
        var reminders = new CapacityStaleReminders(_capacities, _outbox, _time);
        var kinds = new List<string[]>();

        // Act: daily runs, twice a day around each point.
        foreach (var day in new[] { 79, 80, 80, 89, 90, 91 })
        {
            _time.SetUtcNow(Confirmed.AddDays(day).AddMinutes(1));
            await reminders.RunAsync(CancellationToken.None);
            kinds.Add(_outbox.Messages.Select(m => m.Kind).Order(StringComparer.Ordinal).ToArray());
        }

        // Assert
        Assert.Empty(kinds[0]);
        Assert.Equal(["CapacityStaleSoon"], kinds[1]);
        Assert.Equal(["CapacityStaleSoon"], kinds[3]);
        Assert.Equal(["CapacityStale", "CapacityStaleSoon"], kinds[5]);
        Assert.All(_outbox.Messages, m => Assert.Equal("State.FocalPoint:NOR", m.Recipient));
        Assert.Contains("2026-08-30", Assert.Single(_outbox.Messages, m => m.Kind == "CapacityStaleSoon").Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Stale_LinksToTheFocalPointsCapacityPage()
    {
        // Arrange
        await AddAsync();
        _time.SetUtcNow(Confirmed.AddDays(90).AddMinutes(1));

        // Act
        await new CapacityStaleReminders(_capacities, _outbox, _time).RunAsync(CancellationToken.None);

        // Assert: the console's page, not the API's route (no page answers /states/NOR/capacity).
        Assert.Equal("/focal/capacity", Assert.Single(_outbox.Messages).Link);
    }

    [Theory]
    [InlineData(new[] { "fr" }, "Votre capacité de réinstallation cap-1 ne sera plus à jour le 2026-08-30 : veuillez la reconfirmer.", "La capacité cap-1 (")]
    [InlineData(new[] { "fr", "en" }, "Your relocation capacity cap-1 turns stale on 2026-08-30: please reconfirm it.", "Capacity cap-1 (")]
    [InlineData(new[] { "en" }, "Your relocation capacity cap-1 turns stale on 2026-08-30: please reconfirm it.", "Capacity cap-1 (")]
    public async Task RunAsync_StateLanguages_RemindsFrenchFirstStatesInFrenchOthersInEnglish(string[] languages, string subject, string bodyStart)
    {
        // Arrange: the register says the State's languages.
        await AddAsync("SEN");
        var states = new InMemoryStateRepository();
        await states.SaveAsync(State.Register("SEN", new StateInputBuilder().With(i => i with { Name = "Senegal", Region = RegionalGroup.African, Languages = languages }).Build()),
            null, CancellationToken.None);
        _time.SetUtcNow(Confirmed.AddDays(80).AddMinutes(1));

        // Act
        await new CapacityStaleReminders(_capacities, _outbox, _time, states: states).RunAsync(CancellationToken.None);

        // Assert
        var message = Assert.Single(_outbox.Messages);
        Assert.Equal(subject, message.Subject);
        Assert.StartsWith(bodyStart, message.Body, StringComparison.Ordinal);
        Assert.Equal("capacity-cap-1-stale80-20260601", message.Id);
    }
}
