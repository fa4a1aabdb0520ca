namespace Relocation.Storage.Tables;

/// <summary>The tables of the foundation; each feature names its own next to its repositories.</summary>
public static class TableNames
{
    public const string States = "States";
    public const string Capacity = "Capacity";
    public const string Audit = "Audit";
    public const string Idempotency = "Idempotency";
}
