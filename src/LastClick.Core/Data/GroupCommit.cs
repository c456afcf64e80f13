using System.Threading.Channels;

namespace LastClick.Data;

/// <summary>
/// Group commit for the marketplace's writes (orders, events, touches), as <see cref="Tracking.ClickWriter"/> does
/// for clicks. Callers hand over a piece of work and await it; one loop runs everything that queued while the
/// previous commit ran, each piece inside a savepoint on one long-lived session (its prepared statements stay warm),
/// commits once, and only then answers the callers. A piece that throws is rolled back to its savepoint alone and
/// its caller gets the exception; the others commit. A failed commit fails every piece of the batch, so nothing
/// is acknowledged that is not stored.
/// </summary>
public sealed class GroupCommit : IAsyncDisposable
{
    private readonly Store _store;
    private readonly int _maxBatch;
    private readonly Channel<Job> _queue = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private readonly WalCheckpoints? _checkpoints;
    private long _batches;
    private long _jobs;

    public GroupCommit(Store store, int maxBatch = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        (_store, _maxBatch) = (store, maxBatch);
        _checkpoints = WalCheckpoints.Acquire(store);
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Commits done so far and pieces of work run.</summary>
    public (long Batches, long Jobs) Written => (Interlocked.Read(ref _batches), Interlocked.Read(ref _jobs));

    /// <summary>Runs the work in the next batch; completes once that batch is committed.</summary>
    public Task<T> RunAsync<T>(Func<DbSession, T> work)
    {
        var job = new Job<T>(work);
        if (!_queue.Writer.TryWrite(job)) job.Fail(new ObjectDisposedException(nameof(GroupCommit)));
        return job.Done.Task;
    }

    private void Run()
    {
        var batch = new List<Job>(_maxBatch);
        var reader = _queue.Reader;
        DbSession? session = null;
        try
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                batch.Clear();
                while (batch.Count < _maxBatch && reader.TryRead(out var job)) batch.Add(job);
                var ran = new List<Job>(batch.Count);
                var again = new List<Job>();
                try
                {
                    // Between batches the session holds no transaction (on SQLite an open one would hold the write lock).
                    session = WalCheckpoints.NextBatch(_store, session, _checkpoints);
                    foreach (var job in batch)
                    {
                        session.Execute("SAVEPOINT job");
                        try
                        {
                            job.Run(session);
                            session.Execute("RELEASE SAVEPOINT job");
                            ran.Add(job);
                        }
#pragma warning disable CA1031 // the failure belongs to the one caller whose work it was
                        catch (Exception e)
                        {
                            session.Execute("ROLLBACK TO SAVEPOINT job");
                            session.Execute("RELEASE SAVEPOINT job");
                            // PostgreSQL with several nodes: a deadlock between two batches ends one statement. Retrying
                            // here would meet the same locks this batch still holds, so the work goes to the next batch,
                            // after this one commits and lets them go.
                            if (IsTransient(e) && job.Attempts++ < 3) again.Add(job);
                            else job.Fail(e);
                        }
#pragma warning restore CA1031
                    }
                    session.Commit();
                }
#pragma warning disable CA1031 // a failed commit fails the whole batch; the next batch starts on a fresh session
                catch (Exception e)
                {
                    foreach (var job in batch) job.Fail(e);
                    session?.Dispose();
                    session = null;
                    continue;
                }
#pragma warning restore CA1031
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _jobs, batch.Count - again.Count);
                foreach (var job in ran) job.Complete();
                foreach (var job in again)
                {
                    if (!_queue.Writer.TryWrite(job)) job.Fail(new ObjectDisposedException(nameof(GroupCommit)));
                }
            }
        }
        finally
        {
            session?.Dispose();
        }
    }

    private static bool IsTransient(Exception e) => e is Npgsql.PostgresException { SqlState: "40P01" or "40001" };

    private int _disposed;

    /// <summary>Stops taking work, runs and commits what is queued, and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        if (_checkpoints is not null) await _checkpoints.ReleaseAsync().ConfigureAwait(false);
    }

    private abstract class Job
    {
        public int Attempts { get; set; }

        public abstract void Run(DbSession session);
        public abstract void Complete();
        public abstract void Fail(Exception error);
    }

    private sealed class Job<T>(Func<DbSession, T> work) : Job
    {
        private T? _result;

        public TaskCompletionSource<T> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Run(DbSession session) => _result = work(session);

        public override void Complete() => Done.TrySetResult(_result!);

        public override void Fail(Exception error) => Done.TrySetException(error);
    }
}
