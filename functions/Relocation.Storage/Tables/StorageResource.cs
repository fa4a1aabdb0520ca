namespace Relocation.Storage.Tables;

/// <summary>A table or blob container the application needs; registered in DI and created once at start.</summary>
public sealed record StorageResource(string Name, StorageResourceKind Kind)
{
    public static StorageResource Table(string name) => new(name, StorageResourceKind.Table);

    public static StorageResource Container(string name) => new(name, StorageResourceKind.BlobContainer);
}

/// <summary>Kinds of <see cref="StorageResource"/>.</summary>
public enum StorageResourceKind
{
    Table = 1,
    BlobContainer,
}
