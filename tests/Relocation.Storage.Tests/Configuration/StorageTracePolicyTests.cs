using System.Net;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Relocation.Storage.Configuration;

namespace Relocation.Storage.Tests.Configuration;

/// <summary>The bench's client-side trace: one line per storage request, its path and never its query string or data.</summary>
public sealed class StorageTracePolicyTests
{
    [Fact]
    public async Task ProcessAsync_OneRequest_OneLineWithClientMethodAndPathOnly()
    {
        var lines = new List<string>();
        var options = new TableClientOptions { Transport = new HttpClientTransport(new NoContent()) };
        options.Retry.MaxRetries = 0;
        options.AddPolicy(new StorageTracePolicy("app", lines.Add), Azure.Core.HttpPipelinePosition.PerRetry);
        var table = new TableClient(new Uri("http://127.0.0.1:1/devstoreaccount1/Cases?sv=secret-token"), options);

        await table.DeleteEntityAsync("p1", "r1");

        var line = Assert.Single(lines);
        var fields = line.Split(' ');
        Assert.Equal(new[] { "storage-trace", "app" }, fields[..2]);
        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d{3}$", fields[2]);
        Assert.Equal("DELETE", fields[4]);
        Assert.Contains("devstoreaccount1/Cases(", fields[5], StringComparison.Ordinal);
        Assert.DoesNotContain("secret", line, StringComparison.Ordinal);
    }

    /// <summary>Answers every request 204, as a delete of an entity does.</summary>
    private sealed class NoContent : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
    }
}
