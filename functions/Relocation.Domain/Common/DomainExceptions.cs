namespace Relocation.Domain.Common;

/// <summary>Base of every rule violation the domain reports; each subtype is one kind of refusal, which callers translate into their own terms.</summary>
public abstract class DomainException : Exception
{
    protected DomainException(string message) : base(message) { }

    /// <summary>
    /// What went wrong as a stable code (a <see cref="ProblemCode"/> name) for a client to word in its language; the
    /// message stays the English text. Null where no code is given yet: a client then shows the message.
    /// </summary>
    public string? Code { get; private set; }

    /// <summary>The code's arguments as invariant text (a status, a State code, a list of event names).</summary>
    public IReadOnlyDictionary<string, string>? Args { get; private set; }

    /// <summary>This exception with <paramref name="code"/> and its arguments (enums by name, dates as ISO).</summary>
    public TException WithCode<TException>(ProblemCode code, params (string Name, object Value)[] args)
        where TException : DomainException
    {
        ArgumentNullException.ThrowIfNull(args);
        Code = code.ToString();
        Args = args.Length == 0 ? null : args.ToDictionary(a => a.Name, a => a.Value switch
        {
            DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            _ => Convert.ToString(a.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
        }, StringComparer.Ordinal);
        return (TException)this;
    }
}

/// <summary>
/// The refusals a user meets most, as codes (a problem's <c>code</c>, an agreement's refused event): the ones not here
/// are shown by their English message.
/// </summary>
public enum ProblemCode
{
    /// <summary>An agreement event the status does not allow (args <c>agreementEvent</c>, <c>agreementStatus</c>, <c>possibleEvents</c>: event names).</summary>
    AgreementEventNotPossible = 1,

    /// <summary>An agreement in a final status takes no event (arg <c>agreementStatus</c>).</summary>
    AgreementFinal,

    /// <summary>An agreement event dated before the previous step (arg <c>previous</c>).</summary>
    AgreementDateBeforePrevious,

    /// <summary>No offer can be accepted in this status (arg <c>status</c>).</summary>
    NotAcceptingOffers,

    /// <summary>The person's consent must be recorded before an acceptance.</summary>
    ConsentRequired,

    /// <summary>The State has not offered (arg <c>state</c>).</summary>
    NoOfferFrom,

    /// <summary>Another acceptance is being processed (arg <c>state</c>).</summary>
    AcceptancePending,

    /// <summary>The relocation cannot be cancelled in this status (arg <c>status</c>).</summary>
    CannotCancel,

    /// <summary>The relocation is closed (Cancelled, Withdrawn, Ended): no commitment can be made for it (arg <c>status</c>).</summary>
    CaseClosedToCommitments,
}

/// <summary>The input breaks a rule; <see cref="Errors"/> names each offending field.</summary>
public sealed class DomainValidationException : DomainException
{
    public DomainValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base(Summary(errors)) => Errors = errors;

    public DomainValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] }) { }

    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>
    /// The message (a problem's <c>detail</c>) names the fields too, for a reader who looks at nothing else: one field's
    /// own message, or the list of fields. Messages never carry a protected value, so neither does this.
    /// </summary>
    private static string Summary(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 1)
        {
            var (field, messages) = errors.First();
            return messages is [var message, ..]
                ? message.Contains($"'{field}'", StringComparison.Ordinal) ? message : $"'{field}': {message}"
                : $"'{field}' is invalid.";
        }

        return errors.Count switch
        {
            0 => "One or more fields are invalid.",
            _ => $"{errors.Count} fields are invalid: {string.Join(", ", errors.Keys)}.",
        };
    }
}

/// <summary>The resource does not exist, or the caller may not know that it does.</summary>
public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>The command is valid but contradicts the current state.</summary>
public sealed class ConflictException(string message) : DomainException(message);

/// <summary>The caller's copy is stale: the concurrency token no longer matches.</summary>
public sealed class PreconditionFailedException(string message) : DomainException(message);

/// <summary>The caller is known but may not do this.</summary>
public sealed class ForbiddenException(string message) : DomainException(message);
