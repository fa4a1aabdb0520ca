namespace Relocation.Domain.Relocations;

/// <summary>Relocation cases, written with optimistic concurrency, and the index of which State was asked about which case.</summary>
public interface IRelocationRepository
{
    Task<RelocationCase> AddAsync(RelocationCase relocation, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a case with what must be stored before its row and what follows it: <paramref name="beforeRow"/> (its case
    /// file: a row never exists without its protected details) runs side by side with the store's own writes that precede
    /// the row, and <paramref name="afterRow"/> (scheduling its orchestration) side by side with those that follow it. A
    /// row that exists already (a retried request) is a ConflictException, and <paramref name="afterRow"/> does not run.
    /// </summary>
    async Task<RelocationCase> AddAsync(RelocationCase relocation, Func<Task> beforeRow, Func<RelocationCase, Task> afterRow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(beforeRow);
        ArgumentNullException.ThrowIfNull(afterRow);
        await beforeRow();
        var added = await AddAsync(relocation, cancellationToken);
        await afterRow(added);
        return added;
    }

    /// <summary>
    /// The same, for a case whose row is still being completed while <paramref name="beforeRow"/> runs (round 1 planned
    /// while the case file is written and the orchestration scheduled): the store's own writes before the row wait for
    /// <paramref name="relocation"/>, side by side with <paramref name="beforeRow"/>; the row is what it resolves to.
    /// </summary>
    async Task<RelocationCase> AddAsync(Task<RelocationCase> relocation, Func<Task> beforeRow, Func<RelocationCase, Task> afterRow, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(relocation);
        ArgumentNullException.ThrowIfNull(beforeRow);
        await beforeRow();
        return await AddAsync(await relocation, () => Task.CompletedTask, afterRow, cancellationToken);
    }

    /// <summary>
    /// The same with nothing of the caller's after the row, and the store's own writes that follow the row (the statistics
    /// line) handed back as <c>Following</c> instead of awaited: the caller waits for them before it answers, side by side
    /// with its own last writes (the request's stored answer and audit entry). Nothing needs the line before those: it is
    /// kept by every case write, so a crash before it leaves it one write behind, as a crash right after the row always did.
    /// </summary>
    async Task<(RelocationCase Added, Task Following)> AddLeavingFollowingAsync(Task<RelocationCase> relocation, Func<Task> beforeRow, CancellationToken cancellationToken) =>
        (await AddAsync(relocation, beforeRow, _ => Task.CompletedTask, cancellationToken), Task.CompletedTask);

    Task<RelocationCase?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Only if the row still has the case's version; otherwise a PreconditionFailedException.</summary>
    Task<RelocationCase> UpdateAsync(RelocationCase relocation, CancellationToken cancellationToken);

    /// <summary>
    /// Remembers that <paramref name="stateCode"/> was asked about the case, with what its focal point is shown of the
    /// request (idempotent: the row is written whole).
    /// </summary>
    Task IndexOfferRequestAsync(string stateCode, OfferRequestLine request, CancellationToken cancellationToken);

    /// <summary>
    /// The index rows naming <paramref name="stateCode"/>: its open requests, and any whose removal a crash cut short (one
    /// partition, no case read; <see cref="IndexedOfferRequest.ListableAsStored"/> says which need their case read).
    /// </summary>
    Task<IReadOnlyList<IndexedOfferRequest>> OfferRequestsForAsync(string stateCode, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a row a list (or the sweep) checked against its case, read after the row, as confirmed: listed as stored from
    /// then on. Only if the row is still the version read (<see cref="IndexedOfferRequest.Version"/>); otherwise nothing.
    /// </summary>
    Task ConfirmOfferRequestAsync(string stateCode, IndexedOfferRequest row, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Every index row of every State (a scan: the background sweep only, never a request or an activity).</summary>
    Task<IReadOnlyList<(string StateCode, IndexedOfferRequest Row)>> ScanOfferRequestsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(string StateCode, IndexedOfferRequest Row)>>([]);

    /// <summary>Removes the index row of an answered or closed request (idempotent); the store also does it on each case write.</summary>
    Task ForgetOfferRequestAsync(string stateCode, string relocationId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Steps moved off the case row, newest first, numbered below <paramref name="before"/>.</summary>
    Task<IReadOnlyList<NumberedTimelineEntry>> HistoryAsync(string relocationId, long before, int count, CancellationToken cancellationToken);
}

/// <summary>A timeline step with its number in the case's whole timeline (0 is the submission).</summary>
public sealed record NumberedTimelineEntry(long Number, TimelineEntry Entry);

/// <summary>The statistics lines kept beside the cases, by year of submission (see <see cref="StatsLine"/>).</summary>
public interface IRelocationStats
{
    /// <summary>Writes the statistics line of a case (idempotent: the latest write wins).</summary>
    Task PutAsync(StatsLine line, CancellationToken cancellationToken);

    /// <summary>The lines of the cases submitted in <paramref name="year"/>.</summary>
    Task<IReadOnlyList<StatsLine>> ListYearAsync(int year, CancellationToken cancellationToken);
}

/// <summary>
/// The protected person's details, encrypted at application level; the only place they are kept. Reading them is for
/// VWU with a stated reason, and is audited by the caller.
/// </summary>
public interface ICaseFileStore
{
    Task SaveAsync(string relocationId, ProtectedPerson person, CancellationToken cancellationToken);

    Task<ProtectedPerson?> ReadAsync(string relocationId, CancellationToken cancellationToken);

    /// <summary>Removes a case's file (after it was re-bound to another case); a missing file is not an error.</summary>
    Task DeleteAsync(string relocationId, CancellationToken cancellationToken);
}

/// <summary>The Special Fund as a relocation sees it: commit the cost of a case, release it. Both idempotent by key.</summary>
public interface IRelocationFund
{
    /// <summary>Commits <paramref name="eurMinorUnits"/> for the case; a <see cref="Common.ConflictException"/> when not enough is available.</summary>
    Task<string> CommitAsync(string relocationId, long eurMinorUnits, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Releases what is committed for the case; nothing committed is not an error.</summary>
    Task ReleaseAsync(string relocationId, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Releases what remains of every commitment made for the case, by whoever made it (the acceptance's own and those
    /// Finance made by hand); idempotent per commitment. Answers how many had something left when read.
    /// </summary>
    Task<int> ReleaseAllAsync(string relocationId, CancellationToken cancellationToken);

    /// <summary>As <see cref="ReleaseAllAsync(string, CancellationToken)"/>, keyed by the way the case ended (a withdrawal, a review's End).</summary>
    Task<int> ReleaseAllAsync(string relocationId, Fund.CaseRelease ending, CancellationToken cancellationToken);
}
