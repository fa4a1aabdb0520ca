using System.Net;
using System.Text;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Relocation.Web.Services;

namespace Relocation.Web.Tests;

/// <summary>A bunit context with the console's services, a fake clock and an HTTP handler that records every request.</summary>
internal sealed class ConsoleTestContext : BunitContext
{
    public ConsoleTestContext()
    {
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton(Session);
        Services.AddSingleton(Text);
        Services.AddSingleton(new ConsoleAuth("Development", null));
        Services.AddSingleton(new HttpClient(Handler) { BaseAddress = new Uri("http://console.test/") });
        Services.AddScoped<ApiClient>();
        Services.AddScoped<UnreadMessages>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Session.SignIn("token", Domain.Security.Roles.VwuOfficer, null, "VWU");
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    public Session Session { get; } = new();

    public Text Text { get; } = new();

    public RecordingHandler Handler { get; } = new();
}

/// <summary>Answers every request with the next queued answer (or 404) and keeps what was sent.</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Queue<(HttpStatusCode Status, string Body, string ContentType)> _answers = new();

    public List<(HttpRequestMessage Request, string? Body)> Requests { get; } = [];

    public void Answer(HttpStatusCode status, string body, string contentType = "application/json") => _answers.Enqueue((status, body, contentType));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add((request, request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken)));
        var (status, body, type) = _answers.Count > 0 ? _answers.Dequeue() : (HttpStatusCode.NotFound, "{\"status\":404,\"title\":\"Not found.\"}", "application/problem+json");
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, type) };
    }
}
