using System.Threading.Channels;

namespace LastClick.Data;

/// <summary>
/// The loop both group commits share (<see cref="Tracking.ClickWriter"/> for clicks, <see cref="GroupCommit"/> for
/// the marketplace's writes). Callers queue items; a thread of its own — blocking while idle, so it never waits in
/// the thread pool's queue behind the requests it is to answer — takes everything that queued while the previous
/// commit ran (up to a batch), writes it in one transaction on one long-lived session (its statements stay prepared;
/// between batches it holds no transaction), commits, and only then lets the subclass answer the callers. A batch
/// that fails fails every item in it, so nothing is acknowledged that is not stored; the next batch starts on a fresh
/// session. On PostgreSQL there may be several such writers, each with its thread and session, taking batches from
/// the same queue (<see cref="GroupCommit"/>): while one waits for the server, another writes.
/// </summary>
public abstract class CommitLoop<TItem> : IAsyncDisposable
{
    private readonly Store _store;
    private readonly int _maxBatch;
    private readonly Channel<TItem> _queue;
    private readonly WalCheckpoints? _checkpoints;
    private readonly Task[] _loops;
    private long _batches;
    private long _items;
    private int _disposed;

    /// <param name="writers">
    /// Writer threads, each with its session. More than one only on PostgreSQL (SQLite has one writer a file), and only
    /// for a subclass whose <see cref="Write"/>, <see cref="Committed"/> and <see cref="Failed"/> keep no state between
    /// calls and which opens nothing per session (<see cref="Opened"/>): they run on several threads at once.
    /// </param>
    /// <remarks>
    /// The threads start here, before a subclass's constructor has run; they touch the subclass only once an item
    /// is queued, which only a constructed instance can do.
    /// </remarks>
    protected CommitLoop(Store store, int maxBatch, int writers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        if (writers > 1 && store.Provider != StoreProvider.Postgres) throw new ArgumentOutOfRangeException(nameof(writers), writers, "SQLite writes one transaction at a time");
        (_store, _maxBatch) = (store, maxBatch);
        _queue = Channel.CreateUnbounded<TItem>(new UnboundedChannelOptions { SingleReader = writers == 1 });
        _checkpoints = WalCheckpoints.Acquire(store);
        _loops = [.. Enumerable.Range(0, writers).Select(_ => Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))];
    }

    /// <summary>The writer threads (see the constructor).</summary>
    public int Writers => _loops.Length;

    /// <summary>Batches committed and items carried to an end (stored, or refused on their own) so far.</summary>
    public (long Batches, long Items) Written => (Interlocked.Read(ref _batches), Interlocked.Read(ref _items));

    /// <summary>Queues an item for the next batch; false once the loop is disposed.</summary>
    /// <summary>The store the batches are written to.</summary>
    protected Store Store => _store;

    protected bool Enqueue(TItem item) => _queue.Writer.TryWrite(item);

    /// <summary>A new session was opened for the loop (the first batch, or after a failed one).</summary>
    protected virtual void Opened(DbSession session)
    {
    }

    /// <summary>The session is about to be closed: release what <see cref="Opened"/> made on it.</summary>
    protected virtual void Closing()
    {
    }

    /// <summary>Writes the batch inside the session's open transaction; an exception fails the whole batch.</summary>
    protected abstract void Write(DbSession session, List<TItem> batch);

    /// <summary>After the commit: answers the callers; returns how many items came to an end.</summary>
    protected abstract int Committed(List<TItem> batch);

    /// <summary>The batch could not be written or committed: every item in it fails.</summary>
    protected abstract void Failed(List<TItem> batch, Exception failure);

    private void Run()
    {
        var batch = new List<TItem>(_maxBatch);
        var reader = _queue.Reader;
        DbSession? session = null;
        try
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                batch.Clear();
                while (batch.Count < _maxBatch && reader.TryRead(out var item)) batch.Add(item);
                // Another writer took what woke this one.
                if (batch.Count == 0) continue;
                try
                {
                    var fresh = session is null;
                    session = WalCheckpoints.NextBatch(_store, session, _checkpoints);
                    if (fresh) Opened(session);
                    Write(session, batch);
                    session.Commit();
                }
#pragma warning disable CA1031 // every failure of the batch goes to every caller waiting on it
                catch (Exception e)
                {
                    // Closed first: the session lets the file's write lock go before the callers hear (the redirect
                    // answers on this thread).
                    Close(ref session);
                    Failed(batch, e);
                    continue;
                }
#pragma warning restore CA1031
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _items, Committed(batch));
                // PostgreSQL: a fold the batch made due, once its callers have heard (it never throws).
                session.FoldIfDue(_store.FoldFailed);
            }
        }
        finally
        {
            Close(ref session);
        }
    }

    private void Close(ref DbSession? session)
    {
        if (session is null) return;
        try
        {
            Closing();
        }
        finally
        {
            session.Dispose();
            session = null;
        }
    }

    /// <summary>Stops taking items, writes and commits what is queued, and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
        if (_checkpoints is not null) await _checkpoints.ReleaseAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
