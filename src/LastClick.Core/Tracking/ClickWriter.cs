using LastClick.Data;

namespace LastClick.Tracking;

/// <summary>
/// Group commit for clicks (architecture: "the 302 is sent once the click's batch is committed"). Callers hand a
/// click over and await it; the loop (<see cref="CommitLoop{TItem}"/>) classifies and writes a batch in one
/// transaction with their rollups (SQLite: a prepared insert bound by position; PostgreSQL: one multi-row statement), commits, and only
/// then completes the callers. An answered click is a stored click; a batch that fails to commit fails every click
/// in it, so none is answered.
/// </summary>
public sealed class ClickWriter(Store store, ClickClassifier classifier, int maxBatch = 512)
    : CommitLoop<ClickWriter.Pending>(store, maxBatch)
{
    public sealed record Pending(Click Click, TaskCompletionSource<ClickClass> Done)
    {
        public ClickClass? Class { get; internal set; }
    }

    private SqliteClickInsert? _insert;

    /// <summary>Classifies the click and completes once it is committed to the store.</summary>
    public Task<ClickClass> WriteAsync(Click click)
    {
        var done = new TaskCompletionSource<ClickClass>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Enqueue(new Pending(click, done))) done.SetException(new ObjectDisposedException(nameof(ClickWriter)));
        return done.Task;
    }

    // The insert stays prepared on the loop's session for its life.
    protected override void Opened(DbSession session)
    {
        if (session.Connection is Microsoft.Data.Sqlite.SqliteConnection sqlite) _insert = new SqliteClickInsert(sqlite);
    }

    protected override void Closing()
    {
        _insert?.Dispose();
        _insert = null;
    }

    protected override void Write(DbSession session, List<Pending> batch)
    {
        var rollups = new Reports.RollupBatch();
        var sources = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var pending in batch)
        {
            var click = pending.Click;
            pending.Class = classifier.Classify(click.Ip, click.UserAgent, click.FlaggedAs, click.Evidence);
            _insert?.Insert(click, pending.Class, rollups, sources);
        }
        if (session.Provider == StoreProvider.Postgres)
        {
            TrackingService.StoreMany(session, batch.ConvertAll(p => p.Click), batch.ConvertAll(p => p.Class!));
        }
        else
        {
            Reports.RollupWriter.Write(session, rollups);
        }
    }

    protected override int Committed(List<Pending> batch)
    {
        foreach (var pending in batch) pending.Done.TrySetResult(pending.Class!);
        return batch.Count;
    }

    protected override void Failed(List<Pending> batch, Exception failure)
    {
        foreach (var pending in batch) pending.Done.TrySetException(failure);
    }
}
