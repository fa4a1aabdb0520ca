using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Relocation.Domain.Outbox;
using Relocation.Domain.States;
using Relocation.Storage.Configuration;
using Relocation.Storage.Notifications;
using Relocation.Testing;
using Relocation.Testing.Builders;
using Relocation.Testing.Fakes;

namespace Relocation.Storage.Tests.Notifications;

/// <summary>The relay and the outbox/inbox tables on a private Azurite, with a fake SMTP transport and a fake clock.</summary>
public sealed class NotificationRelayTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
    private readonly FakeTransport _transport = new();
    private readonly InMemoryStateRepository _states = new();
    private readonly NotificationOptions _options = new() { VwuAddress = "vwu@icc.test", MaxAttempts = 3, RetryBaseDelay = TimeSpan.FromSeconds(5), RetryMaxDelay = TimeSpan.FromMinutes(1) };
    private readonly SmtpOptions _smtp = new() { Host = "fake", MessageIdDomain = "relocation.test", Timeout = TimeSpan.FromSeconds(20) };
    private readonly NotificationSignal _signal = new();

    public NotificationRelayTests(AzuriteFixture azurite) => _azurite = azurite;

    private StorageClients Clients => _azurite.Clients;

    public async Task InitializeAsync()
    {
        // Each test starts from empty tables: the relay reads the whole pending partition.
        foreach (var name in new[] { NotificationTables.Messages, NotificationTables.Pending, NotificationTables.Inbox })
        {
            var table = Clients.Table(name);
            await table.DeleteAsync();
            for (var i = 0; ; i++)
            {
                try
                {
                    await table.CreateIfNotExistsAsync();
                    break;
                }
                catch (Azure.RequestFailedException) when (i < 20)
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    public Task DisposeAsync()
    {
        _signal.Dispose();
        return Task.CompletedTask;
    }

    private TableOutbox Outbox() => new(Clients, _signal);

    private NotificationRelay Relay(FakeTransport? transport = null) =>
        new(Clients, _states, transport ?? _transport, Options.Create(_options), Options.Create(_smtp), _time, NullLogger<NotificationRelay>.Instance);

    private OutboxMessage Message(string key, string recipient = Recipients.Vwu) =>
        new(key, "Test", recipient, $"Subject {key}", null, _time.GetUtcNow(), null) { Body = "line\n", Link = "/inbox" };

    private async Task<NotificationDelivery> DeliveryAsync(string key) =>
        (await Outbox().ListDeliveriesAsync(null, 100, CancellationToken.None)).Single(d => d.Id == NotificationTables.IdFor(key));

    [Fact]
    public async Task RunOnceAsync_ServerDownThenUp_RetriesAfterBackoffAndSendsOnceWithStableMessageId()
    {
        // Arrange
        await Outbox().AddAsync(Message("a"), CancellationToken.None);
        _transport.Down = true;

        // Act
        var firstTry = await Relay().RunOnceAsync(CancellationToken.None);
        var failed = await DeliveryAsync("a");
        var tooEarly = await Relay().RunOnceAsync(CancellationToken.None);
        _transport.Down = false;
        _time.Advance(TimeSpan.FromSeconds(5));
        var secondTry = await Relay().RunOnceAsync(CancellationToken.None);
        await Outbox().AddAsync(Message("a"), CancellationToken.None);
        var afterRepeat = await Relay().RunOnceAsync(CancellationToken.None);

        // Assert
        Assert.Equal((1, 0, 1, 0), (firstTry, tooEarly, secondTry, afterRepeat));
        Assert.Equal((DeliveryStatus.Pending, 1), (failed.Status, failed.Attempts));
        Assert.Contains("connection refused", failed.LastError, StringComparison.Ordinal);
        var sent = await DeliveryAsync("a");
        Assert.Equal((DeliveryStatus.Sent, 2, (string?)null), (sent.Status, sent.Attempts, sent.LastError));
        var mail = Assert.Single(_transport.Sent);
        Assert.Equal($"{NotificationTables.IdFor("a")}@relocation.test", mail.MessageId);
        Assert.Equal(["vwu@icc.test"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Contains("/inbox", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnceAsync_FailsEveryTime_BackoffDoublesAndDeadLettersAfterMaxAttempts()
    {
        // Arrange
        await Outbox().AddAsync(Message("b"), CancellationToken.None);
        _transport.Down = true;
        var tries = new List<int>();

        // Act: one second short of each back-off (5 s, then 10 s), then due; the third failure is the last.
        tries.Add(await Relay().RunOnceAsync(CancellationToken.None));
        foreach (var wait in new[] { 4, 1, 9, 1, 3600 })
        {
            _time.Advance(TimeSpan.FromSeconds(wait));
            tries.Add(await Relay().RunOnceAsync(CancellationToken.None));
        }

        // Assert
        Assert.Equal([1, 0, 1, 0, 1, 0], tries);
        var dead = await DeliveryAsync("b");
        Assert.Equal((DeliveryStatus.Failed, 3), (dead.Status, dead.Attempts));
        Assert.NotNull(dead.LastError);
        Assert.Empty(await Outbox().ListDeliveriesAsync(DeliveryStatus.Pending, 10, CancellationToken.None));
        Assert.Single(await Outbox().ListDeliveriesAsync(DeliveryStatus.Failed, 10, CancellationToken.None));
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(1)], new[] { 1, 2, 3, 5 }.Select(Relay().Backoff));
    }

    [Fact]
    public async Task RunOnceAsync_SenderHangsOrDies_OtherRelayWaitsForTheLeaseThenResendsSameMessageId()
    {
        // Arrange: relay A claims the message and hangs in the middle of sending.
        await Outbox().AddAsync(Message("c"), CancellationToken.None);
        var hanging = new FakeTransport { Hang = new TaskCompletionSource() };
        var a = Relay(hanging).RunOnceAsync(CancellationToken.None);
        await hanging.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // Act
        var whileClaimed = await Relay().RunOnceAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(31));
        var afterLease = await Relay().RunOnceAsync(CancellationToken.None);
        hanging.Hang.SetResult();
        await a;

        // Assert: sent twice, as the same message; the late outcome of A does not undo B's.
        Assert.Equal((0, 1), (whileClaimed, afterLease));
        Assert.Equal([$"{NotificationTables.IdFor("c")}@relocation.test"], _transport.Sent.Concat(hanging.Sent).Select(m => m.MessageId).Distinct());
        Assert.Equal((DeliveryStatus.Sent, 2), ((await DeliveryAsync("c")).Status, (await DeliveryAsync("c")).Attempts));
    }

    [Fact]
    public async Task RunOnceAsync_FocalPoints_MailsEveryAddressOfTheRegisterAndFailsWithoutOne()
    {
        // Arrange
        await _states.SaveAsync(State.Register("NOR", new StateInputBuilder().With(i => i with
        {
            FocalPoints = [new FocalPointFields("One", "one@nor.test", "+47 22 00 00 00"), new FocalPointFields("Two", "two@nor.test", "+47 22 00 00 01")],
        }).Build()), null, CancellationToken.None);
        await _states.SaveAsync(State.Register("SWE", new StateInputBuilder().With(i => i with { FocalPoints = [] }).Build()), null, CancellationToken.None);
        await Outbox().AddAsync(Message("d", Recipients.FocalPoints("NOR")), CancellationToken.None);
        await Outbox().AddAsync(Message("e", Recipients.FocalPoints("SWE")), CancellationToken.None);

        // Act
        await Relay().RunOnceAsync(CancellationToken.None);

        // Assert
        Assert.Equal(["one@nor.test", "two@nor.test"], Assert.Single(_transport.Sent).To.Mailboxes.Select(m => m.Address).Order(StringComparer.Ordinal));
        var swe = await DeliveryAsync("e");
        Assert.Equal(("State.FocalPoint", DeliveryStatus.Pending), (swe.RecipientRole, swe.Status));
        Assert.Contains("no focal point", swe.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inbox_PagesNewestFirstAndMarksOnlyItsOwn()
    {
        // Arrange: five for VWU a minute apart, one for Registry.
        for (var i = 0; i < 5; i++)
        {
            await Outbox().AddAsync(Message($"v{i}"), CancellationToken.None);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        await Outbox().AddAsync(Message("r0", Recipients.Registry), CancellationToken.None);
        var inbox = new TableInbox(Clients);

        // Act
        var first = await inbox.ListAsync([Recipients.Vwu], false, null, 2, CancellationToken.None);
        var second = await inbox.ListAsync([Recipients.Vwu], false, first.NextPage, 2, CancellationToken.None);
        var third = await inbox.ListAsync([Recipients.Vwu], false, second.NextPage, 2, CancellationToken.None);
        var newest = first.Items[0].Id;
        var byRegistry = await inbox.MarkReadAsync([Recipients.Registry], newest, CancellationToken.None);
        var byVwu = await inbox.MarkReadAsync([Recipients.Vwu], newest, CancellationToken.None);
        var unread = await inbox.ListAsync([Recipients.Vwu], true, null, 10, CancellationToken.None);
        var both = await inbox.ListAsync([Recipients.Vwu, Recipients.Registry], false, null, 10, CancellationToken.None);

        // Assert
        Assert.Equal(["Subject v4", "Subject v3", "Subject v2", "Subject v1", "Subject v0"], first.Items.Concat(second.Items).Concat(third.Items).Select(i => i.Subject));
        Assert.Null(third.NextPage);
        Assert.False(byRegistry);
        Assert.True(byVwu);
        Assert.Equal(4, unread.Items.Count);
        Assert.DoesNotContain(unread.Items, i => i.Id == newest);
        Assert.Equal("Subject r0", both.Items[0].Subject);
        Assert.Equal(6, both.Items.Count);
    }

    private sealed class FakeTransport : IMailTransport
    {
        public bool Down { get; set; }

        public TaskCompletionSource? Hang { get; init; }

        public TaskCompletionSource Entered { get; } = new();

        public List<MimeMessage> Sent { get; } = [];

        public bool Enabled => true;

        public Task<IMailSession> ConnectAsync(CancellationToken cancellationToken) =>
            Down ? throw new System.Net.Sockets.SocketException(111, "connection refused") : Task.FromResult<IMailSession>(new Session(this));

        private sealed class Session(FakeTransport owner) : IMailSession
        {
            public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
            {
                owner.Entered.TrySetResult();
                if (owner.Hang is { } hang)
                {
                    await hang.Task;
                }

                owner.Sent.Add(message);
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
