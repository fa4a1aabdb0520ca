namespace Relocation.Web.Services;

/// <summary>
/// Where a paged list is: the API pages forward only, by the opaque <c>nextPage</c> token its answer gives, so going back
/// means remembering the tokens of the pages left behind. One for every paged screen (the <c>Pager</c> component shows it).
/// </summary>
public sealed class PageTokens
{
    private readonly Stack<string?> _behind = new();

    /// <summary>The token of the page shown (null: the first).</summary>
    public string? Current { get; private set; }

    /// <summary>The token of the page after it; null on the last page.</summary>
    public string? Next { get; private set; }

    public bool HasPrevious => _behind.Count > 0;

    /// <summary>A new search: back to the first page, nothing behind.</summary>
    public void Restart()
    {
        _behind.Clear();
        Current = null;
        Next = null;
    }

    /// <summary>The token of the page before the one shown; it is shown next (<see cref="Shown"/> with forward false).</summary>
    public string? Previous() => _behind.Pop();

    /// <summary>
    /// Page <paramref name="page"/> is shown, with <paramref name="next"/> after it; <paramref name="forward"/>: reached by
    /// Next, so the page it left is remembered. A page that failed to load is not shown: its caller does not call this.
    /// </summary>
    public void Shown(string? page, string? next, bool forward)
    {
        if (forward)
        {
            _behind.Push(Current);
        }

        Current = page;
        Next = next;
    }

    /// <summary>Nothing after the page shown (its load failed).</summary>
    public void NoNext() => Next = null;
}

/// <summary>A move of a <c>Pager</c>: the token of the page to show, and whether it is reached by Next.</summary>
public sealed record PageMove(string? Page, bool Forward);
