namespace Relocation.Domain.Common;

/// <summary>Base of every rule violation the domain reports; each subtype is one kind of refusal, which callers translate into their own terms.</summary>
public abstract class DomainException : Exception
{
    protected DomainException(string message) : base(message) { }
}

/// <summary>The input breaks a rule; <see cref="Errors"/> names each offending field.</summary>
public sealed class DomainValidationException : DomainException
{
    public DomainValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base("One or more fields are invalid.") => Errors = errors;

    public DomainValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] }) { }

    public IReadOnlyDictionary<string, string[]> Errors { get; }
}

/// <summary>The resource does not exist, or the caller may not know that it does.</summary>
public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>The command is valid but contradicts the current state.</summary>
public sealed class ConflictException(string message) : DomainException(message);

/// <summary>The caller's copy is stale: the concurrency token no longer matches.</summary>
public sealed class PreconditionFailedException(string message) : DomainException(message);

/// <summary>The caller is known but may not do this.</summary>
public sealed class ForbiddenException(string message) : DomainException(message);
