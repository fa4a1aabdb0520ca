using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Relocation.Domain.Outbox;
using Relocation.Domain.States;
using Relocation.Storage.Configuration;
using Relocation.Storage.Notifications;
using Relocation.Storage.Tables;
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
        foreach (var name in new[] { NotificationTables.Messages, NotificationTables.Pending, NotificationTables.ByStatus, NotificationTables.Inbox })
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
        (await Outbox().ListDeliveriesAsync(null, null, 100, CancellationToken.None)).Items.Single(d => d.Id == NotificationTables.IdFor(key));

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

    // A mail leads to the console page, absolute from configuration; a message stored with an old link (before the
    // console's routes) still leads to the page for it, never to a path the console does not answer.
    [Fact]
    public async Task RunOnceAsync_MessageWithAnOldLink_MailLinksToTheConsolePageAbsolute()
    {
        // Arrange
        _options.ConsoleBaseUrl = "http://127.0.0.1:7071/";
        await Outbox().AddAsync(Message("c") with { Kind = "OfferReceived", Link = "/relocations/3f2a9c1e" }, CancellationToken.None);
        await Outbox().AddAsync(Message("d") with { Kind = "OfferRequest", Link = "/inbox" }, CancellationToken.None);

        // Act
        await Relay().RunOnceAsync(CancellationToken.None);

        // Assert
        Assert.Equal(2, _transport.Sent.Count);
        Assert.Contains(_transport.Sent, m => (m.TextBody ?? "").Contains("Open in the Relocation console: http://127.0.0.1:7071/cases/3f2a9c1e\n", StringComparison.Ordinal));
        Assert.Contains(_transport.Sent, m => (m.TextBody ?? "").Contains("Open in the Relocation console: http://127.0.0.1:7071/focal/offers\n", StringComparison.Ordinal));
    }

    // A French-first State's focal points get their messages in French (CaseNotices): the mail's own line is French too.
    [Fact]
    public async Task RunOnceAsync_ToFrenchFirstAndBilingualStatesFocalPoints_ConsoleLineInTheirLanguage()
    {
        // Arrange
        _options.ConsoleBaseUrl = "http://127.0.0.1:7071/";
        foreach (var (code, languages, email) in new[] { ("SEN", new[] { "fr", "wo" }, "sen@example.org"), ("CAN", new[] { "en", "fr" }, "can@example.org") })
        {
            await _states.SaveAsync(State.Register(code, new StateInputBuilder().With(i => i with
            {
                Languages = languages, FocalPoints = [new FocalPointFields("Desk", email, "+1 555 0100")],
            }).Build()), null, CancellationToken.None);
        }

        await Outbox().AddAsync(Message("fr", Recipients.FocalPoints("SEN")) with { Kind = "OfferRequest", Link = "/focal/offers" }, CancellationToken.None);
        await Outbox().AddAsync(Message("en", Recipients.FocalPoints("CAN")) with { Kind = "OfferRequest", Link = "/focal/offers" }, CancellationToken.None);

        // Act
        await Relay().RunOnceAsync(CancellationToken.None);

        // Assert
        var bodies = _transport.Sent.ToDictionary(m => m.To.Mailboxes.Single().Address, m => m.TextBody ?? "");
        Assert.Contains("\n\nOuvrir dans la console Relocation : http://127.0.0.1:7071/focal/offers\n", bodies["sen@example.org"], StringComparison.Ordinal);
        Assert.Contains("\n\nOpen in the Relocation console: http://127.0.0.1:7071/focal/offers\n", bodies["can@example.org"], StringComparison.Ordinal);
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
        Assert.Empty((await Outbox().ListDeliveriesAsync(DeliveryStatus.Pending, null, 10, CancellationToken.None)).Items);
        Assert.Single((await Outbox().ListDeliveriesAsync(DeliveryStatus.Failed, null, 10, CancellationToken.None)).Items);
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

    private static async Task<List<NotificationDelivery>> AllDeliveriesAsync(TableOutbox outbox, DeliveryStatus? status, int pageSize, List<int>? pageSizes = null)
    {
        var all = new List<NotificationDelivery>();
        string? page = null;
        do
        {
            var answer = await outbox.ListDeliveriesAsync(status, page, pageSize, CancellationToken.None);
            all.AddRange(answer.Items);
            pageSizes?.Add(answer.Items.Count);
            page = answer.NextPage;
        }
        while (page is not null);

        return all;
    }

    // What the relay of an earlier version left: the outcome on the message row, no index row (and the pending row gone, or not).
    private async Task MarkSentAsBeforeAsync(string key, bool deletePending)
    {
        var id = NotificationTables.IdFor(key);
        await Clients.Table(NotificationTables.Messages).UpdateEntityAsync(
            new TableEntity(id, string.Empty) { ["Status"] = nameof(DeliveryStatus.Sent), ["SentAt"] = _time.GetUtcNow(), ["Attempts"] = 1 }, ETag.All, TableUpdateMode.Merge);
        if (deletePending)
        {
            await Clients.Table(NotificationTables.Pending).DeleteEntityAsync(NotificationTables.PendingPartition, id);
        }
    }

    [Fact]
    public async Task ListDeliveriesAsync_SentInPages_NewestFirstEachOnceWithoutReadingTheMessageTable()
    {
        var keys = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            keys.Add($"sent-{i}");
            await Outbox().AddAsync(Message(keys[^1]), CancellationToken.None);
            Assert.Equal(1, await Relay().RunOnceAsync(CancellationToken.None));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var reads = new ConcurrentQueue<TableRead>();
        var logged = new TableOutbox(new StorageClients(new DataStorageOptions { ConnectionString = _azurite.ConnectionString }, TableQueryLog.ToList(reads)), _signal);
        var sizes = new List<int>();

        var sent = await AllDeliveriesAsync(logged, DeliveryStatus.Sent, 2, sizes);

        Assert.Equal(keys.AsEnumerable().Reverse().Select(NotificationTables.IdFor), sent.Select(d => d.Id));
        Assert.All(sent, d => Assert.Equal((DeliveryStatus.Sent, Recipients.Vwu, "Test", 1), (d.Status, d.RecipientRole, d.Kind, d.Attempts)));
        Assert.Equal([2, 2, 1], sizes);
        // One page of the index per answer: never a query of the message table, whatever it holds.
        Assert.All(reads, r => Assert.True(r.Table == NotificationTables.ByStatus && r.Kind == TableReadKind.Partition && r.Top is > 0 and <= 3, r.ToLine()));
    }

    [Fact]
    public async Task ListDeliveriesAsync_NoStatus_PendingThenFailedThenSentAcrossPages()
    {
        await Outbox().AddAsync(Message("s"), CancellationToken.None);
        await Relay().RunOnceAsync(CancellationToken.None);
        _transport.Down = true;
        await Outbox().AddAsync(Message("f"), CancellationToken.None);
        foreach (var wait in new[] { 0, 5, 10 })
        {
            _time.Advance(TimeSpan.FromSeconds(wait));
            await Relay().RunOnceAsync(CancellationToken.None);
        }

        await Outbox().AddAsync(Message("p"), CancellationToken.None);
        var sizes = new List<int>();

        var all = await AllDeliveriesAsync(Outbox(), null, 1, sizes);

        Assert.Equal([("p", DeliveryStatus.Pending), ("f", DeliveryStatus.Failed), ("s", DeliveryStatus.Sent)],
            all.Select(d => (new[] { "p", "f", "s" }.Single(k => NotificationTables.IdFor(k) == d.Id), d.Status)));
        Assert.All(sizes, n => Assert.Equal(1, n));
        await Assert.ThrowsAsync<Relocation.Domain.Common.DomainValidationException>(() => Outbox().ListDeliveriesAsync(DeliveryStatus.Sent, "bm90IGEgdG9rZW4", 10, CancellationToken.None));
    }

    [Fact]
    public async Task IndexFinishedAsync_SentBeforeTheIndexExisted_ListedOnceMigratedAndOnlyOnce()
    {
        await Outbox().AddAsync(Message("old"), CancellationToken.None);
        await MarkSentAsBeforeAsync("old", deletePending: true);

        var before = await AllDeliveriesAsync(Outbox(), DeliveryStatus.Sent, 10);
        var migrated = await Relay().IndexFinishedAsync(CancellationToken.None);
        var again = await Relay().IndexFinishedAsync(CancellationToken.None);
        var after = await AllDeliveriesAsync(Outbox(), DeliveryStatus.Sent, 10);

        Assert.Empty(before);
        Assert.Equal((1, 0), (migrated, again));
        Assert.Equal([NotificationTables.IdFor("old")], after.Select(d => d.Id));
    }

    [Fact]
    public async Task RunOnceAsync_RelayDiedAfterRecordingSentBeforeIndexing_NextPassIndexesItAndSendsNothing()
    {
        await Relay().IndexFinishedAsync(CancellationToken.None); // the store is migrated: only the relay's own repair can index it
        await Outbox().AddAsync(Message("x"), CancellationToken.None);
        await MarkSentAsBeforeAsync("x", deletePending: false);

        var tried = await Relay().RunOnceAsync(CancellationToken.None);

        Assert.Equal(0, tried);
        Assert.Empty(_transport.Sent);
        Assert.Equal([NotificationTables.IdFor("x")], (await AllDeliveriesAsync(Outbox(), DeliveryStatus.Sent, 10)).Select(d => d.Id));
        Assert.Empty(await AllDeliveriesAsync(Outbox(), DeliveryStatus.Pending, 10));
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
