using System.Net.Http.Json;
using System.Text.Json;
using Relocation.LocalHost;
using Relocation.LocalHost.Dependencies;
using Xunit;

namespace Relocation.Testing;

/// <summary>
/// A private smtp4dev on free ports, read through its HTTP API: what a test asserts is what a real SMTP server received.
/// It can be stopped and started again on the same ports (an SMTP outage).
/// </summary>
public sealed class Smtp4devFixture : IAsyncLifetime, IDisposable
{
    private Smtp4devServer? _server;
    private HttpClient? _http;

    public int SmtpPort { get; } = SupervisedProcess.FreePort();

    public int WebPort { get; } = SupervisedProcess.FreePort();

    private HttpClient Http => _http ?? throw new InvalidOperationException("smtp4dev is not started.");

    public async Task InitializeAsync()
    {
        _server = await Smtp4devServer.StartAsync(RepositoryPaths.Root, SmtpPort, WebPort, TextWriter.Null, CancellationToken.None);
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Stops the server: connections to its SMTP port are refused until <see cref="StartAgainAsync"/>. Received mail is lost with it.</summary>
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    public async Task StartAgainAsync() =>
        _server = await Smtp4devServer.StartAsync(RepositoryPaths.Root, SmtpPort, WebPort, TextWriter.Null, CancellationToken.None);

    /// <summary>Every mail received so far, with its raw source (headers and body).</summary>
    public async Task<IReadOnlyList<ReceivedMail>> MailsAsync()
    {
        var list = await Http.GetFromJsonAsync<JsonElement>("api/messages?pageSize=100000");
        var mails = new List<ReceivedMail>();
        foreach (var item in list.GetProperty("results").EnumerateArray())
        {
            var id = item.GetProperty("id").GetString()!;
            var raw = await Http.GetStringAsync($"api/messages/{id}/raw");
            mails.Add(new ReceivedMail(
                id,
                item.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).Order(StringComparer.Ordinal).ToArray(),
                item.GetProperty("subject").GetString() ?? string.Empty,
                raw));
        }

        return mails;
    }

    /// <summary>Waits until at least <paramref name="count"/> mails are in, then a little longer for strays; answers them all.</summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count, TimeSpan timeout, TimeSpan? settle = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var mails = await CountAsync();
            if (mails >= count)
            {
                await Task.Delay(settle ?? TimeSpan.FromSeconds(3));
                return await MailsAsync();
            }

            if (DateTime.UtcNow > deadline)
            {
                var got = await MailsAsync();
                throw new TimeoutException($"Expected {count} mails, got {got.Count}:\n{string.Join('\n', got.Select(m => $"{string.Join(',', m.To)}: {m.Subject}"))}");
            }

            await Task.Delay(250);
        }
    }

    public async Task<int> CountAsync()
    {
        try
        {
            var list = await Http.GetFromJsonAsync<JsonElement>("api/messages?pageSize=1");
            return list.GetProperty("rowCount").GetInt32();
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        Dispose();
    }

    public void Dispose() => _http?.Dispose();
}

/// <summary>A mail as smtp4dev received it.</summary>
public sealed record ReceivedMail(string Id, IReadOnlyList<string> To, string Subject, string Raw)
{
    /// <summary>The <c>Message-Id</c> header, without angle brackets.</summary>
    public string MessageId =>
        Raw.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith("Message-Id:", StringComparison.OrdinalIgnoreCase)) is { } line
            ? line["Message-Id:".Length..].Trim().Trim('<', '>')
            : string.Empty;

    public string Kind =>
        Raw.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith("X-Relocation-Kind:", StringComparison.OrdinalIgnoreCase)) is { } line
            ? line["X-Relocation-Kind:".Length..].Trim()
            : string.Empty;
}
