using System.Collections.Concurrent;

namespace LastClick.Tracking;

/// <summary>
/// Repeated clicks (F2 "duplicate"): the same visitor — by cookie, or by IP and user agent — on the same link within
/// <see cref="Window"/> of its previous click. Remembered in memory on each node (a repeat that
/// lands on another node is not marked); bounded, old entries are swept when it fills.
/// </summary>
public sealed class DuplicateClicks(TimeSpan window, int capacity = 200_000)
{
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private readonly Lock _sweeping = new();

    public TimeSpan Window { get; } = window;

    /// <summary>
    /// Whether this click repeats one seen within the window. A click is known by its visitor cookie and by its IP
    /// and user agent: a browser's second click carries the cookie the first one was given, so both keys are kept
    /// (<paramref name="newVisitor"/> is the cookie being set on a click that came without one).
    /// </summary>
    public bool Repeat(string linkCode, string? visitor, string? ip, string? userAgent, DateTimeOffset at, string? newVisitor = null)
    {
        var now = at.UtcTicks;
        var repeat = false;
        if (visitor is not null) repeat |= Seen($"{linkCode}\u001fv{visitor}", now);
        if (newVisitor is not null) Seen($"{linkCode}\u001fv{newVisitor}", now);
        if (ip is not null || userAgent is not null) repeat |= Seen($"{linkCode}\u001fa{ip}\u001f{userAgent}", now);
        if (_seen.Count > capacity) Sweep(now);
        return repeat;
    }

    private bool Seen(string key, long now)
    {
        var repeat = false;
        _seen.AddOrUpdate(key, now, (_, previous) =>
        {
            repeat = now - previous < Window.Ticks && now >= previous;
            return Math.Max(previous, now);
        });
        return repeat;
    }

    private void Sweep(long now)
    {
        if (!_sweeping.TryEnter()) return;
        try
        {
            foreach (var (key, seen) in _seen)
            {
                if (now - seen >= Window.Ticks) _seen.TryRemove(key, out _);
            }
            // Still full of live entries (a flood): start over rather than grow without bound.
            if (_seen.Count > capacity) _seen.Clear();
        }
        finally
        {
            _sweeping.Exit();
        }
    }
}
