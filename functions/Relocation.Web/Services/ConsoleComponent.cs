using Microsoft.AspNetCore.Components;

namespace Relocation.Web.Services;

/// <summary>Every screen: re-renders when the language or the signed-in user changes.</summary>
public abstract class ConsoleComponent : ComponentBase, IDisposable
{
    [Inject]
    protected Text T { get; set; } = default!;

    [Inject]
    protected Session Session { get; set; } = default!;

    [Inject]
    protected ApiClient Api { get; set; } = default!;

    [Inject]
    protected NavigationManager Navigation { get; set; } = default!;

    [Inject]
    protected TimeProvider Time { get; set; } = default!;

    protected override void OnInitialized()
    {
        T.Changed += Refresh;
        Session.Changed += Refresh;
    }

    public void Dispose()
    {
        T.Changed -= Refresh;
        Session.Changed -= Refresh;
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>A fresh key per form: a double click or a retry of the same form never writes twice.</summary>
    protected static string NewKey() => Guid.NewGuid().ToString("N");

    protected static string Date(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) ?? "—";

    protected static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "—";

    protected static string Money(decimal value) => value.ToString("#,##0.00", System.Globalization.CultureInfo.InvariantCulture) + " EUR";

    private void Refresh() => InvokeAsync(StateHasChanged);
}
