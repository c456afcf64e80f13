using System.Data.Common;
using Dapper;

namespace LastClick.Data;

/// <summary>
/// What a read may be served from. Set for a request by the server (<see cref="ReadRouting"/>): without one, every read
/// goes to the primary.
/// </summary>
public sealed class ReadIntent(long? afterLsn)
{
    /// <summary>The caller's last write, as the primary's WAL position then: a replica that has not replayed it is not used.</summary>
    public long? AfterLsn { get; } = afterLsn;

    private int _replica, _primary;
    private volatile bool _wrote;

    /// <summary>
    /// The request wrote (a GET may: reading a support thread marks it read): its later reads go to the primary, which
    /// has the write, and its answer carries the write's position for the caller's next reads.
    /// </summary>
    public bool Wrote
    {
        get => _wrote;
        set => _wrote = value;
    }

    /// <summary>Whether a read of the request was answered by the standby (one that failed there and was made again on the primary is not).</summary>
    public bool UsedReplica => Volatile.Read(ref _replica) > 0;

    public bool UsedPrimary => Volatile.Read(ref _primary) > 0;

    internal void OnReplica() => Interlocked.Increment(ref _replica);

    internal void MovedToPrimary()
    {
        Interlocked.Decrement(ref _replica);
        OnPrimary();
    }

    internal void OnPrimary() => Interlocked.Increment(ref _primary);
}

/// <summary>The read intent of the work in flight (a request), carried across awaits.</summary>
public static class ReadRouting
{
    private static readonly AsyncLocal<ReadIntent?> Intent = new();

    public static ReadIntent? Current
    {
        get => Intent.Value;
        set => Intent.Value = value;
    }
}

/// <summary>What <see cref="ReadReplica"/> last saw of the standby.</summary>
public sealed record ReplicaState(bool Reachable, bool InRecovery, long ReplayLsn, TimeSpan Lag, string? Error)
{
    public static readonly ReplicaState Unknown = new(false, false, 0, TimeSpan.MaxValue, "not sampled yet");
}

/// <summary>
/// A PostgreSQL hot standby (streaming replication) that serves reads (<c>ConnectionStrings:LastClickReplica</c>).
/// Sampled a few times a second: the primary's WAL position and the standby's replay position. Its lag is how long ago
/// the primary was where the standby now is (0 when it has replayed everything), so an idle primary never makes a
/// standby look late. A read goes to the standby only when it is reachable, still a standby (a promoted one is not
/// read from: it may have split from the primary), within <see cref="MaxLag"/>, and has replayed the caller's last
/// write; otherwise, or when opening it fails, to the primary.
/// </summary>
public sealed class ReadReplica : IDisposable
{
    private readonly PostgresStore _primary;
    private readonly TimeProvider _time;
    private readonly Queue<(long At, long Lsn)> _samples = new();
    private ReplicaState _state = ReplicaState.Unknown;

    public ReadReplica(PostgresStore primary, PostgresStore standby, TimeSpan maxLag, TimeProvider time)
    {
        (_primary, Standby, MaxLag, _time) = (primary, standby, maxLag, time);
    }

    public PostgresStore Standby { get; }

    public TimeSpan MaxLag { get; }

    public ReplicaState State => Volatile.Read(ref _state);

    /// <summary>Whether a read whose caller last wrote at <paramref name="afterLsn"/> may be served by the standby now.</summary>
    public bool Serves(long? afterLsn)
    {
        var state = State;
        return state.Reachable && state.InRecovery && state.Lag <= MaxLag && (afterLsn is not { } lsn || state.ReplayLsn >= lsn);
    }

    /// <summary>The primary's WAL position now: a write answered before this call is at or before it.</summary>
    public long PrimaryLsn()
    {
        using var c = _primary.Open();
        return c.ExecuteScalar<long>("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
    }

    /// <summary>One look at both servers; returns (and keeps) what it saw.</summary>
    public ReplicaState Sample()
    {
        var now = _time.GetTimestamp();
        long primary;
        try
        {
            primary = PrimaryLsn();
        }
        catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
        {
            // The primary is the one in trouble: the standby's lag cannot be known, so it serves nothing.
            return Keep(State with { Lag = TimeSpan.MaxValue, Error = "primary: " + e.Message });
        }
        _samples.Enqueue((now, primary));
        while (_samples.Count > 1 && _time.GetElapsedTime(_samples.Peek().At, now) > TimeSpan.FromMinutes(1)) _samples.Dequeue();
        try
        {
            using var c = Standby.Open();
            var (recovery, replay) = c.QuerySingle<(bool, long?)>(
                "SELECT pg_is_in_recovery(), (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint");
            if (!recovery || replay is null) return Keep(new ReplicaState(true, false, 0, TimeSpan.MaxValue, "not a standby (promoted?)"));
            // The newest moment the primary was at or behind the standby's replay position.
            var caughtUp = _samples.Where(s => s.Lsn <= replay.Value).Select(s => (long?)s.At).LastOrDefault();
            var lag = replay.Value >= primary ? TimeSpan.Zero
                : caughtUp is { } at ? _time.GetElapsedTime(at, now)
                : _time.GetElapsedTime(_samples.Peek().At, now) + TimeSpan.FromMinutes(1);
            return Keep(new ReplicaState(true, true, replay.Value, lag, null));
        }
        catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
        {
            Standby.ClearPool();
            return Keep(new ReplicaState(false, false, 0, TimeSpan.MaxValue, e.Message));
        }
    }

    /// <summary>A read could not open the standby: no read goes there until the next sample finds it again.</summary>
    public void Failed(Exception e)
    {
        Keep(new ReplicaState(false, false, 0, TimeSpan.MaxValue, e.Message));
        // Its pooled connections are to a server that went away: none is handed out again.
        Standby.ClearPool();
    }

    private ReplicaState Keep(ReplicaState state)
    {
        Volatile.Write(ref _state, state);
        return state;
    }

    /// <summary>Samples every <paramref name="every"/> until cancelled, reporting each change of whether it serves.</summary>
    public async Task RunAsync(TimeSpan every, Action<ReplicaState> changed, CancellationToken cancel)
    {
        var serving = (bool?)null;
        using var timer = new PeriodicTimer(every, _time);
        do
        {
            var state = Sample();
            var now = Serves(null);
            if (now != serving) changed(state);
            serving = now;
        }
        while (await timer.WaitForNextTickAsync(cancel).ConfigureAwait(false));
    }

    public void Dispose() => Standby.Dispose();
}
