namespace Relocation.Web.Services;

/// <summary>
/// The header's unread count: one call for the first page of unread messages, at most once per navigation, never
/// awaited by a render. A full first page with a next page shows as "50+": counting further would cost a call per page.
/// </summary>
public sealed class UnreadMessages(ApiClient api, Session session)
{
    private int _asked;

    /// <summary>"3", "50+", or null: none, not signed in, or not known (the call failed).</summary>
    public string? Label { get; private set; }

    public event Action? Changed;

    public async Task RefreshAsync()
    {
        // Only the latest call's answer is shown: a slow answer to an earlier navigation never overwrites a newer one.
        var mine = Interlocked.Increment(ref _asked);
        if (!session.SignedIn)
        {
            Show(null);
            return;
        }

        var answer = await api.GetAsync<InboxView>("api/inbox?unread=true");
        if (mine == Volatile.Read(ref _asked))
        {
            Show(answer.Value is { Items.Count: > 0 } page
                ? page.Items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + (page.NextPage is null ? string.Empty : "+")
                : null);
        }
    }

    /// <summary>One message was marked read here: the count drops without another call (a "50+" stays until the next navigation).</summary>
    public void Read()
    {
        if (int.TryParse(Label, System.Globalization.CultureInfo.InvariantCulture, out var count))
        {
            Show(count > 1 ? (count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        }
    }

    private void Show(string? label)
    {
        if (label != Label)
        {
            Label = label;
            Changed?.Invoke();
        }
    }
}
