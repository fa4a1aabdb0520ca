namespace Relocation.Storage.Idempotency;

/// <summary>
/// Remembers each write by its <c>Idempotency-Key</c>, so that a retried request answers as the first one did and writes nothing new.
/// </summary>
public interface IIdempotencyStore
{
    /// <summary>Claims the key for this request, or tells how it was used before.</summary>
    Task<IdempotencyClaim> ClaimAsync(string scope, string key, string requestHash, CancellationToken cancellationToken);

    /// <summary>Stores the answer so that a retry can replay it.</summary>
    Task CompleteAsync(string scope, string key, StoredResponse response, CancellationToken cancellationToken);

    /// <summary>Frees the key after a request that wrote nothing (a 4xx), so the caller may correct it and retry with the same key.</summary>
    Task ReleaseAsync(string scope, string key, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IIdempotencyStore.ClaimAsync"/>.</summary>
public enum IdempotencyOutcome
{
    /// <summary>First use: go ahead.</summary>
    Claimed = 1,

    /// <summary>Done before with the same request: replay <see cref="IdempotencyClaim.Response"/>.</summary>
    Replay,

    /// <summary>Used before with another request: 409.</summary>
    Mismatch,

    /// <summary>The same request is being processed right now: 409, retry later.</summary>
    InProgress,
}

/// <summary>
/// What <see cref="IIdempotencyStore.ClaimAsync"/> found. <paramref name="Resumed"/>: claimed from an earlier attempt that
/// died mid-way (its claim abandoned), so the handler may find that attempt's writes.
/// </summary>
public sealed record IdempotencyClaim(IdempotencyOutcome Outcome, StoredResponse? Response = null, bool Resumed = false);

/// <summary>The answer given the first time; small by construction (ids and statuses, never protected details).</summary>
public sealed record StoredResponse(int Status, string? ContentType, string? Location, string? ETag, byte[] Body);
