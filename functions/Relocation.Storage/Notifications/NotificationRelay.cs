using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Relocation.Domain.Outbox;
using Relocation.Domain.States;
using Relocation.Storage.Configuration;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Notifications;

/// <summary>
/// Delivers queued notifications by e-mail, at least once. Each try first claims the message (attempts + 1 and a short
/// lease, written with the row's ETag, so two relays do not send it at the same time), then sends it with a
/// <c>Message-Id</c> derived from its id, then records the outcome. A host that dies anywhere in between leaves the
/// message in the pending partition: after the lease it is sent again, with the same <c>Message-Id</c>. Failures retry
/// with doubling delays; after <see cref="NotificationOptions.MaxAttempts"/> the message is dead-lettered as Failed
/// with its last error, out of the pending partition, still listed by <c>GET /api/outbox?status=Failed</c>.
/// </summary>
public sealed partial class NotificationRelay(
    StorageClients clients,
    IStateRepository states,
    IMailTransport transport,
    IOptions<NotificationOptions> options,
    IOptions<SmtpOptions> smtp,
    TimeProvider time,
    ILogger<NotificationRelay> logger)
{
    /// <summary>Messages read per pass; the rest wait for the next pass, which follows at once.</summary>
    public const int BatchSize = 100;

    private const int MaxErrorLength = 300;
    private readonly TableClient _messages = clients.Table(NotificationTables.Messages);
    private readonly TableClient _pending = clients.Table(NotificationTables.Pending);
    private readonly DeliveryIndex _index = new(clients, time);
    private readonly NotificationOptions _options = options.Value;
    private readonly SmtpOptions _smtp = smtp.Value;

    public bool Enabled => transport.Enabled;

    /// <summary>
    /// Once per store: indexes the messages delivered or given up before the delivery view had its index (background:
    /// reads the message table once, then records that it did; afterwards nothing per process but one point read).
    /// </summary>
    public Task<int> IndexFinishedAsync(CancellationToken cancellationToken) => _index.MigrateAsync(cancellationToken);

    /// <summary>A claimed message is left alone this long; after it, a relay takes it again (its sender died or hung).</summary>
    private TimeSpan Lease => _smtp.Timeout + TimeSpan.FromSeconds(10);

    /// <summary>One pass over the due messages; answers how many it tried.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await IndexFinishedAsync(cancellationToken);
        if (!transport.Enabled)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var due = new List<string>();
        await foreach (var row in _pending.QueryAsync<TableEntity>(x => x.PartitionKey == NotificationTables.PendingPartition, select: ["RowKey", "NextAttemptAt"], cancellationToken: cancellationToken))
        {
            if ((row.GetDateTimeOffset("NextAttemptAt") ?? now) <= now)
            {
                due.Add(row.RowKey);
                if (due.Count >= BatchSize)
                {
                    break;
                }
            }
        }

        if (due.Count == 0)
        {
            return 0;
        }

        var tried = 0;
        IMailSession? session = null;
        Exception? connectFailure = null;
        try
        {
            foreach (var id in due)
            {
                var claimed = await ClaimAsync(id, cancellationToken);
                if (claimed is null)
                {
                    continue;
                }

                tried++;
                string? error = null;
                try
                {
                    var mail = await ComposeAsync(claimed.Value.Entity, cancellationToken);
                    if (session is null && connectFailure is null)
                    {
                        try
                        {
                            session = await transport.ConnectAsync(cancellationToken);
                        }
                        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                        {
                            // The relay is down: every message of this pass gets the same error and its own retry.
                            connectFailure = ex;
                        }
                    }

                    if (connectFailure is not null)
                    {
                        error = Describe(connectFailure);
                    }
                    else
                    {
                        await session!.SendAsync(mail, cancellationToken);
                    }
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    error = Describe(ex);
                    if (session is not null)
                    {
                        // The connection may be unusable after a failed command: open a fresh one for the next message.
                        await session.DisposeAsync();
                        session = null;
                    }
                }

                await RecordAsync(id, claimed.Value.Entity, claimed.Value.ETag, error, cancellationToken);
            }
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync();
            }
        }

        return tried;
    }

    private async Task<(TableEntity Entity, ETag ETag)?> ClaimAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entity = await _messages.FindAsync<TableEntity>(id, string.Empty, cancellationToken);
        if (entity is null || entity.GetString("Status") != nameof(DeliveryStatus.Pending))
        {
            // Delivered or dead-lettered by a run that died before it removed the pending row (perhaps before it indexed
            // the outcome: the index row is made from what the message row stores, so this writes the same row).
            if (entity is not null)
            {
                await _index.WriteAsync(entity, cancellationToken);
            }

            await DeletePendingAsync(id, cancellationToken);
            return null;
        }

        if (entity.GetDateTimeOffset("ClaimedUntil") is { } until && until > now)
        {
            return null;
        }

        entity["Attempts"] = (entity.GetInt32("Attempts") ?? 0) + 1;
        entity["ClaimedUntil"] = now + Lease;
        try
        {
            var response = await _messages.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            return (entity, response.Headers.ETag ?? ETag.All);
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed() || ex.IsNotFound())
        {
            return null;
        }
    }

    private async Task RecordAsync(string id, TableEntity entity, ETag etag, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var attempts = entity.GetInt32("Attempts") ?? 1;
        entity["ClaimedUntil"] = null;
        entity["LastError"] = error;
        var delivered = error is null;
        var deadLetter = !delivered && attempts >= _options.MaxAttempts;
        DateTimeOffset? next = null;
        if (delivered)
        {
            entity["Status"] = nameof(DeliveryStatus.Sent);
            entity["SentAt"] = now;
        }
        else if (deadLetter)
        {
            entity["Status"] = nameof(DeliveryStatus.Failed);
            entity["FailedAt"] = now;
            LogDeadLettered(logger, id, attempts, entity.GetString("Kind"));
        }
        else
        {
            next = now + Backoff(attempts);
            entity["NextAttemptAt"] = next;
            LogRetry(logger, id, attempts, next.Value, error!);
        }

        try
        {
            await _messages.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed())
        {
            // Another relay took it after our lease ran out; its outcome stands.
            return;
        }

        if (next is { } retryAt)
        {
            await _pending.UpsertEntityAsync(new TableEntity(NotificationTables.PendingPartition, id) { ["NextAttemptAt"] = retryAt }, TableUpdateMode.Replace, cancellationToken);
        }
        else
        {
            // Rule 3: the outcome is on the message row; the index row next, then the pending row goes (a crash in
            // between leaves the pending row, and the next pass that finds it writes the index row: ClaimAsync).
            await _index.WriteAsync(entity, cancellationToken);
            await DeletePendingAsync(id, cancellationToken);
        }
    }

    /// <summary>Doubling from the base delay, capped.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.RetryBaseDelay.Ticks * factor, _options.RetryMaxDelay.Ticks));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private async Task<MimeMessage> ComposeAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var recipient = entity.GetString("Recipient") ?? string.Empty;
        var mail = new MimeMessage
        {
            MessageId = $"{entity.PartitionKey}@{_smtp.MessageIdDomain}",
            Subject = entity.GetString("Subject") ?? string.Empty,
            Date = entity.GetDateTimeOffset("CreatedAt") ?? time.GetUtcNow(),
        };
        mail.From.Add(MailboxAddress.Parse(_smtp.FromAddress));
        var (addresses, french) = await AddressesAsync(recipient, cancellationToken);
        foreach (var address in addresses)
        {
            mail.To.Add(MailboxAddress.Parse(address));
        }

        mail.Headers.Add("X-Relocation-Kind", entity.GetString("Kind") ?? string.Empty);
        var body = entity.GetString("Body") ?? string.Empty;
        if (entity.GetString("Link") is { Length: > 0 } link)
        {
            // A message stored before the console's routes carries an old path: the mail leads to today's page for it.
            // In the language the message itself is written in (a French-first State's focal points read French).
            body += (french ? "\n\nOuvrir dans la console Relocation : " : "\n\nOpen in the Relocation console: ")
                + $"{_options.ConsoleBaseUrl.TrimEnd('/')}{ConsoleLinks.Route(entity.GetString("Kind"), link)}";
        }

        mail.Body = new TextPart("plain") { Text = body + "\n" };
        return mail;
    }

    /// <summary>
    /// Addresses come from the register (focal points) or from configuration (the Court's teams); French when they are a
    /// French-first State's focal points (<see cref="State.FrenchFirst"/>), as the message's own text is.
    /// </summary>
    private async Task<(IReadOnlyList<string> Addresses, bool French)> AddressesAsync(string recipient, CancellationToken cancellationToken)
    {
        if (Recipients.StateOf(recipient) is { } code)
        {
            var state = await states.FindAsync(code, cancellationToken);
            var emails = state?.FocalPoints.Select(f => f.Email).Where(e => e.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToArray() ?? [];
            return emails.Length > 0 ? (emails, state!.FrenchFirst) : throw new InvalidOperationException($"{code} has no focal point with an e-mail address in the register.");
        }

        IReadOnlyList<string> team = recipient switch
        {
            Recipients.Vwu => [_options.VwuAddress],
            Recipients.Registry => [_options.RegistryAddress],
            Recipients.Finance => [_options.FinanceAddress],
            _ => throw new InvalidOperationException($"No e-mail address is configured for {Recipients.RoleOf(recipient)}."),
        };
        return (team, false);
    }

    private async Task DeletePendingAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _pending.DeleteEntityAsync(NotificationTables.PendingPartition, id, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsNotFound())
        {
            // Gone already.
        }
    }

    private static string Describe(Exception ex)
    {
        var text = $"{ex.GetType().Name}: {ex.Message}";
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Notification {Id} not delivered (attempt {Attempts}); next try at {NextAttempt:o}: {Error}")]
    private static partial void LogRetry(ILogger logger, string id, int attempts, DateTimeOffset nextAttempt, string error);

    [LoggerMessage(EventId = 402, Level = LogLevel.Error, Message = "Notification {Id} ({Kind}) dead-lettered after {Attempts} attempts")]
    private static partial void LogDeadLettered(ILogger logger, string id, int attempts, string? kind);
}
