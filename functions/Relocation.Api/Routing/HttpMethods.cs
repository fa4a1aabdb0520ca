namespace Relocation.Api.Routing;

/// <summary>Method names as the route table and the Functions metadata spell them.</summary>
public static class HttpMethods
{
    public const string Get = "GET";
    public const string Put = "PUT";
    public const string Post = "POST";
    public const string Delete = "DELETE";

    public static bool IsGet(string method) => string.Equals(method, Get, StringComparison.OrdinalIgnoreCase);

    public static bool IsHead(string method) => string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase);
}
