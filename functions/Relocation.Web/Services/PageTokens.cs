namespace Relocation.Web.Services;

/// <summary>
/// Paging by the API's opaque <c>nextPage</c> token: forward by that token, back by the tokens already seen (the API
/// gives no previous-page token).
/// </summary>
public sealed class PageTokens
{
    private readonly Stack<string?> _seen = new();

    /// <summary>The token of the page shown; null for the first.</summary>
    public string? Current { get; private set; }

    /// <summary>The token of the next page, from the last answer.</summary>
    public string? Next { get; private set; }

    public bool HasPrevious => _seen.Count > 0;

    public bool HasNext => Next is not null;

    /// <summary>Back to the first page (a filter changed).</summary>
    public void Restart()
    {
        _seen.Clear();
        Current = null;
        Next = null;
    }

    /// <summary>The token to load for the next page; the page shown now is remembered for <see cref="Previous"/>.</summary>
    public string? Forward()
    {
        _seen.Push(Current);
        return Current = Next;
    }

    /// <summary>The token to load for the page before.</summary>
    public string? Previous() => Current = _seen.Count > 0 ? _seen.Pop() : null;

    /// <summary>What the answer for the current page said comes next.</summary>
    public void Loaded(string? next) => Next = next;
}
