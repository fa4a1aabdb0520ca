namespace Relocation.Domain.Common;

/// <summary>Base of every rule violation the domain reports; the API maps each subtype to one HTTP status.</summary>
public abstract class DomainException : Exception
{
    protected DomainException(string message) : base(message) { }
}

/// <summary>The input breaks a rule; <see cref="Errors"/> names each offending field (400).</summary>
public sealed class DomainValidationException : DomainException
{
    public DomainValidationException(IReadOnlyDictionary<string, string[]> errors)
        : base("One or more fields are invalid.") => Errors = errors;

    public DomainValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] }) { }

    public IReadOnlyDictionary<string, string[]> Errors { get; }
}

/// <summary>The resource does not exist, or the caller may not know that it does (404).</summary>
public sealed class NotFoundException(string message) : DomainException(message);

/// <summary>The request is valid but contradicts the current state (409).</summary>
public sealed class ConflictException(string message) : DomainException(message);

/// <summary>The caller's copy is stale: the concurrency token no longer matches (412).</summary>
public sealed class PreconditionFailedException(string message) : DomainException(message);

/// <summary>The caller is signed in but may not do this (403).</summary>
public sealed class ForbiddenException(string message) : DomainException(message);
