using System.Data.Common;

namespace LastClick.Data;

/// <summary>
/// SQLite WAL checkpoints for the writers that commit for waiting callers (the click and order group commits).
/// Those writers turn off the automatic checkpoint on their connections — it would run inside a commit and stall
/// every caller of the batch — and one loop per store copies committed pages back with a passive checkpoint four
/// times a second instead, on a connection of its own, never blocking anyone.
/// </summary>
/// <remarks>
/// Under steady writes a passive checkpoint never catches up with the WAL's end, and the WAL only starts over from
/// its beginning once one has: left alone it grows without bound (470 MB after 15 s of redirect load). So when the
/// WAL is longer than <see cref="RestartFrames"/> the loop marks a restart due, and the next writer between two
/// batches runs a RESTART checkpoint on its own connection: it copies only the frames added since the passive pass,
/// and the following commit writes from the WAL's beginning again.
/// </remarks>
#pragma warning disable CA1001 // shared: the last writer's ReleaseAsync stops the loop and disposes what it owns
public sealed class WalCheckpoints
#pragma warning restore CA1001
{
    /// <summary>WAL frames (pages) past which a restart is due.</summary>
    public const int RestartFrames = 4096;

    private static readonly Dictionary<Store, WalCheckpoints> Running = [];
    private static readonly Lock Gate = new();

    private readonly Store _store;
    private readonly int _restartFrames;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private int _users;
    private volatile bool _restartDue;

    private WalCheckpoints(Store store, int restartFrames)
    {
        (_store, _restartFrames) = (store, restartFrames);
        _loop = Task.Run(() => RunAsync(_stopping.Token));
    }

    /// <summary>Restarts done by writers so far.</summary>
    public long Restarts => Interlocked.Read(ref _restarts);

    private long _restarts;

    /// <summary>
    /// The store's checkpoint loop, started by its first writer; null for PostgreSQL (it checkpoints by itself).
    /// Each writer hands it back with <see cref="ReleaseAsync"/>; the loop stops with the last.
    /// </summary>
    public static WalCheckpoints? Acquire(Store store, int restartFrames = RestartFrames)
    {
        if (store.Provider != StoreProvider.Sqlite) return null;
        lock (Gate)
        {
            if (!Running.TryGetValue(store, out var loop)) Running[store] = loop = new WalCheckpoints(store, restartFrames);
            loop._users++;
            return loop;
        }
    }

    public async Task ReleaseAsync()
    {
        lock (Gate)
        {
            if (_users == 0 || --_users > 0) return;
            if (Running.TryGetValue(_store, out var current) && ReferenceEquals(current, this)) Running.Remove(_store);
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>
    /// A group-commit writer's session for its next batch: a new one the first time (its checkpoints handed over to
    /// the loop), afterwards the same one in a new transaction, the WAL restarted first when that is due.
    /// </summary>
    public static DbSession NextBatch(Store store, DbSession? session, WalCheckpoints? checkpoints)
    {
        if (session is null)
        {
            session = store.Begin();
            try
            {
                TakeOver(session);
            }
            catch
            {
                session.Dispose();
                throw;
            }
            return session;
        }
        checkpoints?.RestartIfDue(session.Connection, store.Gate);
        session.Resume();
        return session;
    }

    /// <summary>Hands the checkpoints of a writer's connection over to the loop (SQLite; nothing elsewhere).</summary>
    public static void TakeOver(DbSession session)
    {
        if (session.Provider == StoreProvider.Sqlite) session.Execute("PRAGMA wal_autocheckpoint=0");
    }

    /// <summary>Between batches, with no transaction open on the writer's connection: restarts the WAL when due.</summary>
    internal void RestartIfDue(DbConnection connection, WriteGate? gate = null)
    {
        if (!_restartDue) return;
        _restartDue = false;
        // The process's other writers wait while it runs (SQLite: a restart needs no write in progress); if one is
        // writing or waiting, it is left for later, as a busy restart is.
        var token = gate?.TryEnter(TimeSpan.Zero);
        if (gate is not null && token is null) return;
        try
        {
            Restart(connection);
        }
        finally
        {
            if (token is not null) gate!.Exit(token);
        }
    }

    private void Restart(DbConnection connection)
    {
        // A restart waits for the other writer and for readers to leave the WAL: never long here — if they are
        // busy, it is left for later rather than holding this writer's callers.
        // (When busy, the loop's next pass makes it due again: at most four tries a second.)
        Execute(connection, "PRAGMA busy_timeout=5");
        try
        {
            Checkpoint(connection, "RESTART", out var busy);
            if (!busy) Interlocked.Increment(ref _restarts);
        }
        finally
        {
            Execute(connection, "PRAGMA busy_timeout=30000");
        }
    }

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    Pass();
                }
#pragma warning disable CA1031 // a failed pass (disk full, I/O) must not end the loop: the writers rely on it
                catch (Exception)
                {
                    Failures++;
                }
#pragma warning restore CA1031
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>One pass of the loop: a passive checkpoint, and a restart made due when the WAL is long.</summary>
    private void Pass()
    {
        using var connection = _store.Open();
        if (Checkpoint(connection, "PASSIVE") >= _restartFrames) _restartDue = true;
    }

    /// <summary>Passes that failed (they are tried again at the next tick).</summary>
    public long Failures { get; private set; }

    /// <summary>Runs a checkpoint; returns the frames in the WAL.</summary>
    private static long Checkpoint(DbConnection connection, string mode) => Checkpoint(connection, mode, out _);

    private static long Checkpoint(DbConnection connection, string mode, out bool busy)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            busy = false;
            return 0;
        }
        busy = reader.GetInt64(0) != 0;
        return reader.GetInt64(1);
    }
}
