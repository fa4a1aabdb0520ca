using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Relocation.Storage.Configuration;
using Relocation.Storage.Hosts;
using Relocation.Storage.Tables;

namespace Relocation.Storage.Idempotency;

/// <summary>
/// One row per (caller, key), claimed with an insert so that only one of two concurrent requests proceeds.
/// Keys and callers are hashed: a key is caller-chosen text and may hold characters a row key cannot.
/// A claim carries the <see cref="HostInstance"/> that owns it: a retry finding it in progress takes it over as soon as
/// that owner has no fresh heartbeat (killed, or restarted under a new id), and only waits while the owner lives.
/// </summary>
internal sealed class IdempotencyStore(StorageClients clients, TimeProvider time, HostInstance? host = null) : IIdempotencyStore
{
    /// <summary>A claim older than this whose request never completed is taken over whoever owns it (the last resort).</summary>
    internal static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    private const string Pending = "Pending";
    private const string Done = "Done";
    private readonly TableClient _table = clients.Table(TableNames.Idempotency);

    public async Task<IdempotencyClaim> ClaimAsync(string scope, string key, string requestHash, CancellationToken cancellationToken)
    {
        var (pk, rk) = Keys(scope, key);
        var entity = new TableEntity(pk, rk)
        {
            ["RequestHash"] = requestHash,
            ["State"] = Pending,
            ["ClaimedAt"] = time.GetUtcNow(),
            ["Owner"] = host?.Id,
        };

        try
        {
            await _table.AddEntityAsync(entity, cancellationToken);
            return new IdempotencyClaim(IdempotencyOutcome.Claimed);
        }
        catch (RequestFailedException ex) when (ex.IsConflict())
        {
            // Someone used this key before: fall through and look at what they did.
        }

        var existing = await _table.FindAsync<TableEntity>(pk, rk, cancellationToken);
        if (existing is null)
        {
            // Released between our insert and our read: try once more.
            return await ClaimAsync(scope, key, requestHash, cancellationToken);
        }

        if (!string.Equals(existing.GetString("RequestHash"), requestHash, StringComparison.Ordinal))
        {
            return new IdempotencyClaim(IdempotencyOutcome.Mismatch);
        }

        if (existing.GetString("State") == Done)
        {
            return new IdempotencyClaim(IdempotencyOutcome.Replay, new StoredResponse(
                existing.GetInt32("Status") ?? 200,
                existing.GetString("ContentType"),
                existing.GetString("Location"),
                existing.GetString("ETag"),
                existing.GetBinary("Body") ?? []));
        }

        var claimedAt = existing.GetDateTimeOffset("ClaimedAt") ?? default;
        var owner = existing.GetString("Owner");
        var ownerDead = host is not null && !string.IsNullOrEmpty(owner) && !await host.IsAliveAsync(owner, cancellationToken);
        if (time.GetUtcNow() - claimedAt < AbandonedAfter && !ownerDead)
        {
            return new IdempotencyClaim(IdempotencyOutcome.InProgress);
        }

        // The first attempt died mid-way; handlers are idempotent by key, so running again finishes its work.
        existing["ClaimedAt"] = time.GetUtcNow();
        existing["Owner"] = host?.Id;
        try
        {
            await _table.UpdateEntityAsync(existing, existing.ETag, TableUpdateMode.Replace, cancellationToken);
            return new IdempotencyClaim(IdempotencyOutcome.Claimed, Resumed: true);
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed())
        {
            return new IdempotencyClaim(IdempotencyOutcome.InProgress);
        }
    }

    public async Task CompleteAsync(string scope, string key, StoredResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var (pk, rk) = Keys(scope, key);
        var entity = new TableEntity(pk, rk)
        {
            ["State"] = Done,
            ["Status"] = response.Status,
            ["ContentType"] = response.ContentType,
            ["Location"] = response.Location,
            ["ETag"] = response.ETag,
            ["Body"] = response.Body,
            ["CompletedAt"] = time.GetUtcNow(),
        };
        await _table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task ReleaseAsync(string scope, string key, CancellationToken cancellationToken)
    {
        var (pk, rk) = Keys(scope, key);
        await _table.DeleteEntityAsync(pk, rk, ETag.All, cancellationToken);
    }

    private static (string PartitionKey, string RowKey) Keys(string scope, string key) => (Hash(scope), Hash(key));

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
