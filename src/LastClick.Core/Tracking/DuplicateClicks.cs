namespace LastClick.Tracking;

/// <summary>
/// Repeated clicks (F2 "duplicate"): the same visitor — by cookie, or by IP and user agent — on the same link within
/// <see cref="Window"/> of its previous click. Remembered in memory on each node (a repeat that lands on another
/// node is not marked), as 64-bit fingerprints in two generations of one window each: a lookup checks both, and
/// the older generation is dropped whole when the newer one is a window old (or full) — no sweeping, no per-click
/// allocation that outlives the click.
/// </summary>
public sealed class DuplicateClicks(TimeSpan window, int capacity = 1_000_000)
{
    private readonly Lock _gate = new();
    private Dictionary<ulong, long> _current = [];
    private Dictionary<ulong, long> _previous = [];
    private long _since; // ticks of the current generation's start (0: none yet, so the first click starts one)

    public TimeSpan Window { get; } = window;

    /// <summary>
    /// Whether this click repeats one seen within the window. A click is known by its visitor cookie and by its IP
    /// and user agent: a browser's second click carries the cookie the first one was given, so both keys are kept
    /// (<paramref name="newVisitor"/> is the cookie being set on a click that came without one).
    /// </summary>
    public bool Repeat(string linkCode, string? visitor, string? ip, string? userAgent, DateTimeOffset at, string? newVisitor = null)
    {
        var now = at.UtcTicks;
        var link = Hash(Offset, linkCode);
        var byVisitor = visitor is null ? 0 : Hash(Hash(link, "v"), visitor);
        var byNewVisitor = newVisitor is null ? 0 : Hash(Hash(link, "v"), newVisitor);
        var byAddress = ip is null && userAgent is null ? 0 : Hash(Hash(Hash(link, "a"), ip), userAgent);
        lock (_gate)
        {
            if (now - _since >= Window.Ticks || _current.Count >= capacity)
            {
                (_previous, _current) = (_current, _previous);
                _current.Clear();
                _since = now;
            }
            var repeat = false;
            if (byVisitor != 0) repeat |= Seen(byVisitor, now);
            if (byNewVisitor != 0) Seen(byNewVisitor, now);
            if (byAddress != 0) repeat |= Seen(byAddress, now);
            return repeat;
        }
    }

    private bool Seen(ulong key, long now)
    {
        var known = _current.TryGetValue(key, out var last) || _previous.TryGetValue(key, out last);
        _current[key] = known ? Math.Max(last, now) : now;
        return known && now >= last && now - last < Window.Ticks;
    }

    private const ulong Offset = 14695981039346656037;

    /// <summary>FNV-1a over the text's UTF-16 code units, continuing from <paramref name="hash"/>; a separator ends each part.</summary>
    private static ulong Hash(ulong hash, string? text)
    {
        foreach (var c in text ?? "")
        {
            hash = (hash ^ c) * 1099511628211;
        }
        return (hash ^ 0x1F) * 1099511628211;
    }
}
