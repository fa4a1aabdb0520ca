namespace Relocation.Domain.States;

/// <summary>A person through whom the Court's requests reach a State.</summary>
public sealed record FocalPoint(string Name, string Email, string Phone);
