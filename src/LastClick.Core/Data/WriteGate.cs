namespace LastClick.Data;

/// <summary>
/// SQLite: the file's one write lock, taken in the order asked for by the writers of this process, before SQLite's own.
/// Without it the click writer and the marketplace's group commit meet in SQLite's busy handler, which sleeps and
/// polls (1, 2, 5 … 100 ms): under a steady flow of orders the order writer took the lock again the moment it let go,
/// and the redirect fell from 22,000 to under 1,000 clicks/s with a p99 over a second (docs/performance.md, "A shared
/// write lock"). Here each waiter is queued and handed the lock in turn. Other processes on the file (a CLI command)
/// still meet this one in SQLite's busy handler.
/// </summary>
internal sealed class WriteGate
{
    private readonly object _sync = new();
    private readonly LinkedList<object> _queue = new();
    // The holder's token: only the holder lets go (a second release of a hold that ended frees nobody else's).
    private object? _holder;

    /// <summary>
    /// Takes the lock after every writer that asked before: the token to let it go with, or null if
    /// <paramref name="timeout"/> passed first.
    /// </summary>
    public object? TryEnter(TimeSpan timeout)
    {
        lock (_sync)
        {
            if (_holder is null && _queue.Count == 0) return _holder = new object();
            var me = _queue.AddLast(new object());
            var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
            try
            {
                while (_holder is not null || _queue.First != me)
                {
                    var left = deadline - Environment.TickCount64;
                    if (left <= 0) return null;
                    Monitor.Wait(_sync, (int)Math.Min(left, int.MaxValue));
                }
                return _holder = me.Value;
            }
            finally
            {
                _queue.Remove(me);
                // The next in line may go now (it waits for being first as well as for the lock).
                Monitor.PulseAll(_sync);
            }
        }
    }

    /// <summary>How many wait in line (tests).</summary>
    internal int Waiting
    {
        get
        {
            lock (_sync) return _queue.Count;
        }
    }

    /// <summary>Lets the lock go, if <paramref name="token"/> holds it; false (and nothing changes) if not.</summary>
    public bool Exit(object token)
    {
        lock (_sync)
        {
            if (!ReferenceEquals(_holder, token)) return false;
            _holder = null;
            Monitor.PulseAll(_sync);
            return true;
        }
    }
}
