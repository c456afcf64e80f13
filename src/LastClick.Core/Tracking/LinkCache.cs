using System.Collections.Concurrent;
using LastClick.Data;

namespace LastClick.Tracking;

/// <summary>
/// The redirect's links in memory (F2). A link is read from the store once and then served from here; a change made
/// through this node's <see cref="LinkService"/> drops it at once, and on PostgreSQL every node hears the change
/// through LISTEN/NOTIFY (<see cref="ListenAsync"/>), so an edited link redirects to its new destination everywhere
/// within moments. Unknown codes are not cached: a link created a moment ago on another node is found.
/// </summary>
public sealed class LinkCache
{
    private readonly ConcurrentDictionary<string, Link> _links = new(StringComparer.Ordinal);
    private readonly LinkService _service;
    private readonly int _capacity;
    private long _generation;

    public LinkCache(LinkService service, int capacity = 1_000_000)
    {
        (_service, _capacity) = (service, capacity);
        service.Changed += Invalidate;
    }

    public int Count => _links.Count;

    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once <see cref="ListenAsync"/> first hears changes (for start-up checks and tests).</summary>
    public Task Listening => _listening.Task;

    public Link? Get(string code)
    {
        if (_links.TryGetValue(code, out var cached)) return cached;
        var generation = Interlocked.Read(ref _generation);
        var link = _service.Find(code);
        if (link is null) return null;
        if (_links.Count >= _capacity) Clear();
        _links[code] = link;
        // An invalidation that ran while the store was read may have missed this entry: drop it, the next click reads again.
        if (Interlocked.Read(ref _generation) != generation) _links.TryRemove(code, out _);
        return link;
    }

    public void Invalidate(string code)
    {
        Interlocked.Increment(ref _generation);
        _links.TryRemove(code, out _);
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _links.Clear();
    }

    /// <summary>
    /// PostgreSQL: hears every node's link changes until cancelled, reconnecting after a failure (and forgetting the
    /// whole cache each time it starts listening, since changes made meanwhile went unheard).
    /// </summary>
    public Task ListenAsync(PostgresStore store, Action<Exception> failed, CancellationToken cancel) =>
        store.ListenUntilCancelledAsync(LinkService.ChangeChannel, Invalidate, () =>
        {
            Clear();
            _listening.TrySetResult();
        }, e =>
        {
            failed(e);
            Clear();
        }, cancel);
}
