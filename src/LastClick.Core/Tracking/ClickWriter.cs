using System.Threading.Channels;
using LastClick.Data;

namespace LastClick.Tracking;

/// <summary>
/// Group commit for clicks (architecture: "the 302 is sent once the click's batch is committed"). Callers hand a
/// click over and await it; one writer loop takes everything that queued while the previous commit ran, writes it
/// in one transaction (SQLite: prepared inserts; PostgreSQL: one multi-row statement), commits, and only then completes the
/// callers. An answered click is a stored click; a batch
/// that fails to commit fails every click in it, so none is answered.
/// </summary>
public sealed class ClickWriter : IAsyncDisposable
{
    private readonly Store _store;
    private readonly ClickClassifier _classifier;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue;
    private readonly Task _loop;
    private long _batches;
    private long _clicks;

    private sealed record Pending(Click Click, TaskCompletionSource<ClickClass> Done);

    public ClickWriter(Store store, ClickClassifier classifier, int maxBatch = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        (_store, _classifier, _maxBatch) = (store, classifier, maxBatch);
        _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
        // A thread of its own that blocks while idle: the loop never waits in the thread pool's queue behind the
        // requests whose clicks it is to commit.
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _checkpoints = WalCheckpoints.Acquire(store);
    }

    private readonly WalCheckpoints? _checkpoints;

    /// <summary>Batches committed and clicks written so far.</summary>
    public (long Batches, long Clicks) Written => (Interlocked.Read(ref _batches), Interlocked.Read(ref _clicks));

    /// <summary>Classifies the click and completes once it is committed to the store.</summary>
    public Task<ClickClass> WriteAsync(Click click)
    {
        var done = new TaskCompletionSource<ClickClass>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(click, done))) done.SetException(new ObjectDisposedException(nameof(ClickWriter)));
        return done.Task;
    }

    private void Run()
    {
        var batch = new List<Pending>(_maxBatch);
        var reader = _queue.Reader;
        // One session for the writer's life: its insert stays prepared. Between batches it holds no transaction.
        DbSession? session = null;
        SqliteClickInsert? insert = null;
        try
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                batch.Clear();
                while (batch.Count < _maxBatch && reader.TryRead(out var pending)) batch.Add(pending);
                var classes = new ClickClass[batch.Count];
                try
                {
                    var fresh = session is null;
                    session = WalCheckpoints.NextBatch(_store, session, _checkpoints);
                    if (fresh && session.Connection is Microsoft.Data.Sqlite.SqliteConnection sqlite) insert = new SqliteClickInsert(sqlite);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        var click = batch[i].Click;
                        classes[i] = _classifier.Classify(click.Ip, click.UserAgent, click.FlaggedAs);
                        insert?.Insert(click, classes[i]);
                    }
                    if (session.Provider == StoreProvider.Postgres) TrackingService.StoreMany(session, batch.ConvertAll(p => p.Click), classes);
                    session.Commit();
                }
#pragma warning disable CA1031 // every failure of the batch goes to every caller waiting on it; the next batch starts afresh
                catch (Exception e)
                {
                    foreach (var p in batch) p.Done.TrySetException(e);
                    insert?.Dispose();
                    insert = null;
                    session?.Dispose();
                    session = null;
                    continue;
                }
#pragma warning restore CA1031
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _clicks, batch.Count);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(classes[i]);
            }
        }
        finally
        {
            insert?.Dispose();
            session?.Dispose();
        }
    }

    private int _disposed;

    /// <summary>Stops taking clicks, writes what is queued, and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        if (_checkpoints is not null) await _checkpoints.ReleaseAsync().ConfigureAwait(false);
    }
}
