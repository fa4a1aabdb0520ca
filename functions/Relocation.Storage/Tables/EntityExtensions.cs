using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Relocation.Domain.Common;

namespace Relocation.Storage.Tables;

/// <summary>Small helpers shared by the repositories: JSON columns and the mapping of storage errors to domain errors.</summary>
internal static class EntityExtensions
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, Json);

    public static T FromJson<T>(this TableEntity entity, string column, T fallback) =>
        entity.GetString(column) is { Length: > 0 } text ? JsonSerializer.Deserialize<T>(text, Json) ?? fallback : fallback;

    public static DateOnly GetDate(this TableEntity entity, string column) =>
        DateOnly.ParseExact(entity.GetString(column), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string ToColumn(this DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsNotFound(this RequestFailedException ex) => ex.Status == 404;

    public static bool IsConflict(this RequestFailedException ex) => ex.Status == 409;

    public static bool IsPreconditionFailed(this RequestFailedException ex) => ex.Status == 412;

    public static async Task<T?> FindAsync<T>(this TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var response = await table.GetEntityIfExistsAsync<T>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>Runs a conditional write and turns a lost race into the domain's 412.</summary>
    public static async Task<Response> GuardAsync(Func<Task<Response>> write, string what)
    {
        try
        {
            return await write();
        }
        catch (RequestFailedException ex) when (ex.IsPreconditionFailed())
        {
            throw new PreconditionFailedException($"The {what} was changed by someone else; read it again and retry.");
        }
    }
}
