using Relocation.Domain.Common;
using Relocation.Domain.States;

namespace Relocation.Domain.Agreements;

/// <summary>
/// A cooperation agreement with one State. <see cref="Status"/> is what has been applied; <see cref="ProjectedStatus"/>
/// also counts events accepted by the API but not yet applied by the agreement's orchestration, so a second event sent
/// right after the first is judged against the status the first will produce.
/// </summary>
public sealed class Agreement
{
    public const int MaxTitleLength = 300;
    public const int MaxNoteLength = 1000;
    public const int MaxRecordedRefusals = 100;

    private readonly List<AgreementHistoryEntry> _history;
    private readonly List<PendingAgreementEvent> _pending;

    private Agreement(string id, AgreementDetails details, AgreementStatus status, AgreementStatus projectedStatus, int nextSequence,
        IEnumerable<AgreementHistoryEntry> history, IEnumerable<PendingAgreementEvent> pending, DateTimeOffset createdAt, string? version)
    {
        _pending = pending.OrderBy(p => p.Sequence).ToList();
        Id = id;
        Details = details;
        Status = status;
        ProjectedStatus = projectedStatus;
        NextSequence = nextSequence;
        _history = history.OrderBy(h => h.Sequence).ToList();
        CreatedAt = createdAt;
        Version = version;
    }

    public string Id { get; }

    public AgreementDetails Details { get; }

    public AgreementStatus Status { get; private set; }

    public AgreementStatus ProjectedStatus { get; private set; }

    /// <summary>The sequence number the next accepted event gets.</summary>
    public int NextSequence { get; private set; }

    public IReadOnlyList<AgreementHistoryEntry> History => _history;

    /// <summary>Events accepted by the API, kept in the agreement's own row until the orchestration applies them.</summary>
    public IReadOnlyList<PendingAgreementEvent> Pending => _pending;

    public DateTimeOffset CreatedAt { get; }

    public string? Version { get; private set; }

    /// <summary>The sequence of the last event applied (accepted or refused); events above it are pending.</summary>
    public int LastApplied => _history.Count == 0 ? 0 : _history.Max(h => h.Sequence);

    public static Agreement Create(string id, AgreementCommand input, DateOnly today, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var code = State.ValidateCode(errors, "stateCode", input.StateCode);
        Defined(errors, "type", input.Type);
        Defined(errors, "arrangement", input.Arrangement);
        errors.Required("costNeutral", input.CostNeutral);
        errors.Required("confidential", input.Confidential);
        var title = errors.Text("title", input.Title, MaxTitleLength);
        if (input.ExpiresOn is { } expires && expires < today.AddYears(-100))
        {
            errors.Add("expiresOn", "'expiresOn' is not a plausible date.");
        }

        if (input.ReviewOn is { } review && input.ExpiresOn is { } expiry && review > expiry)
        {
            errors.Add("reviewOn", "'reviewOn' must not be after 'expiresOn'.");
        }

        errors.ThrowIfAny();
        var details = new AgreementDetails(code, input.Type!.Value, input.Arrangement!.Value, input.CostNeutral!.Value, input.Confidential!.Value,
            title, input.ExpiresOn, input.ReviewOn);
        return new Agreement(id, details, AgreementStatus.Negotiating, AgreementStatus.Negotiating, 1, [], [], now, null);
    }

    public static Agreement Rehydrate(string id, AgreementDetails details, AgreementStatus status, AgreementStatus projectedStatus, int nextSequence,
        IEnumerable<AgreementHistoryEntry> history, IEnumerable<PendingAgreementEvent> pending, DateTimeOffset createdAt, string? version) =>
        new(id, details, status, projectedStatus, nextSequence, history, pending, createdAt, version);

    /// <summary>
    /// Accepts an event for later application, judged against the projected status, and numbers it.
    /// Refuses an event the lifecycle does not allow or a date before the last step (conflict), and a date in the future (invalid).
    /// </summary>
    public PendingAgreementEvent Accept(AgreementEventCommand input, DateOnly today, string who, string role, DateTimeOffset at, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        if (input.Event is not { } lifecycleEvent || !Enum.IsDefined(lifecycleEvent) || lifecycleEvent == AgreementEvent.Expired)
        {
            errors.Add("event", "'event' must be one of Signed, EnteredIntoForce, Suspended, Resumed, Terminated.");
        }

        errors.Required("date", input.Date);
        var note = errors.Text("note", input.Note, MaxNoteLength, required: false);
        if (input.Date is { } d && d > today)
        {
            errors.Add("date", "'date' must not be in the future.");
        }

        errors.ThrowIfAny();
        var next = AgreementLifecycle.Next(ProjectedStatus, input.Event!.Value)
            ?? throw AgreementLifecycle.Refusal(ProjectedStatus, input.Event!.Value);
        if (LastDate is { } last && input.Date < last)
        {
            throw new ConflictException($"The event's date must not be before the previous step ({last:yyyy-MM-dd}).")
                .WithCode<ConflictException>(ProblemCode.AgreementDateBeforePrevious, ("previous", last));
        }

        ProjectedStatus = next;
        var pending = new PendingAgreementEvent(NextSequence++, input.Event!.Value, input.Date!.Value, note.Length == 0 ? null : note, who, role, at, requestId);
        _pending.Add(pending);
        return pending;
    }

    /// <summary>
    /// Keeps a refused event in the history, changing nothing else, so the agreement's story shows it. Past
    /// <see cref="MaxRecordedRefusals"/> refusals only the audit log keeps them, so repeated bad requests cannot grow the row without end.
    /// </summary>
    public bool RecordRefusal(AgreementEvent lifecycleEvent, DateOnly date, string who, string role, DateTimeOffset at, string reason) =>
        RecordRefusal(lifecycleEvent, date, who, role, at, new ConflictException(reason));

    /// <summary>As above, keeping the refusal's code beside its English message.</summary>
    public bool RecordRefusal(AgreementEvent lifecycleEvent, DateOnly date, string who, string role, DateTimeOffset at, ConflictException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        if (_history.Count(h => h.Rejected) >= MaxRecordedRefusals)
        {
            return false;
        }

        _history.Add(new AgreementHistoryEntry(NextSequence++, lifecycleEvent, date, null, who, role, at, null, refusal.Message)
        {
            RejectedCode = refusal.Code,
            RejectedArgs = refusal.Args,
        });
        return true;
    }

    /// <summary>The sequence of the event recorded for <paramref name="requestId"/> (pending or applied), if any.</summary>
    public int? SequenceOf(string requestId) =>
        _pending.FirstOrDefault(p => p.RequestId == requestId)?.Sequence ?? _history.FirstOrDefault(h => h.RequestId == requestId)?.Sequence;

    /// <summary>Applies every pending event in order; returns how many.</summary>
    public int ApplyPending()
    {
        var count = 0;
        foreach (var e in _pending.ToArray())
        {
            Apply(e.Sequence, e.Event, e.Date, e.Note, e.RecordedBy, e.RecordedByRole, e.RecordedAt, e.RequestId);
            count++;
        }

        return count;
    }

    /// <summary>
    /// Applies an accepted event; applying the same sequence again changes nothing. An event that no longer fits
    /// (the agreement expired in between) is recorded as refused and changes nothing else.
    /// </summary>
    public AgreementHistoryEntry Apply(int sequence, AgreementEvent lifecycleEvent, DateOnly date, string? note, string who, string role, DateTimeOffset at, string? requestId = null)
    {
        _pending.RemoveAll(p => p.Sequence == sequence);
        if (_history.FirstOrDefault(h => h.Sequence == sequence) is { } done)
        {
            return done;
        }

        var next = AgreementLifecycle.Next(Status, lifecycleEvent);
        var refusal = next is null ? AgreementLifecycle.Refusal(Status, lifecycleEvent) : null;
        var entry = refusal is not null
            ? new AgreementHistoryEntry(sequence, lifecycleEvent, date, note, who, role, at, null, refusal.Message, requestId) { RejectedCode = refusal.Code, RejectedArgs = refusal.Args }
            : new AgreementHistoryEntry(sequence, lifecycleEvent, date, note, who, role, at, next, RequestId: requestId);
        if (next is { } status)
        {
            Status = status;
        }

        _history.Add(entry);
        if (_pending.Count == 0)
        {
            ProjectedStatus = Status;
        }

        return entry;
    }

    /// <summary>
    /// Moves an in-force agreement to Expired, when its expiry timer fires; anything not in force is left as it is.
    /// The timer, not the wall clock, decides when: tests run agreements on a compressed calendar.
    /// </summary>
    public bool Expire(DateTimeOffset now)
    {
        if (Status != AgreementStatus.InForce || Details.ExpiresOn is not { } expires || ProjectedStatus != AgreementStatus.InForce)
        {
            return false;
        }

        // Resumed after its date, it expires on resumption: the history stays in date order for the statistics.
        var date = LastDate is { } last && last > expires ? last : expires;
        var sequence = NextSequence++;
        Apply(sequence, AgreementEvent.Expired, date, null, "system", "system", now);
        ProjectedStatus = Status;
        return true;
    }

    /// <summary>The status this agreement had at the end of <paramref name="day"/>, replaying its history.</summary>
    public AgreementStatus StatusOn(DateOnly day)
    {
        var status = AgreementStatus.Negotiating;
        foreach (var entry in _history.Where(h => !h.Rejected && h.Date <= day).OrderBy(h => h.Date).ThenBy(h => h.Sequence))
        {
            status = entry.ResultingStatus ?? status;
        }

        return status;
    }

    private DateOnly? LastDate => _history.Where(h => !h.Rejected).Select(h => (DateOnly?)h.Date).Max();

    private static void Defined<T>(FieldErrors errors, string field, T? value)
        where T : struct, Enum
    {
        if (value is not { } v || !Enum.IsDefined(v))
        {
            errors.Add(field, $"'{field}' must be one of {string.Join(", ", Enum.GetNames<T>())}.");
        }
    }
}

/// <summary>What an agreement is: set at creation.</summary>
public sealed record AgreementDetails(
    string StateCode,
    AgreementType Type,
    Arrangement Arrangement,
    bool CostNeutral,
    bool Confidential,
    string Title,
    DateOnly? ExpiresOn,
    DateOnly? ReviewOn);
