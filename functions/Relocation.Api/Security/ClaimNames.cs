namespace Relocation.Api.Security;

/// <summary>The token claims the API reads.</summary>
public static class ClaimNames
{
    public const string Roles = "roles";
    public const string State = "state";
    public const string Subject = "sub";
    public const string ObjectId = "oid";
    public const string Name = "name";
    public const string PreferredUserName = "preferred_username";
}
