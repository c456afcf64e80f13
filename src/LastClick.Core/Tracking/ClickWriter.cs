using LastClick.Data;

namespace LastClick.Tracking;

/// <summary>
/// Group commit for clicks (architecture: "the 302 is sent once the click's batch is committed"). Callers hand a
/// click over and await it; the loop (<see cref="CommitLoop{TItem}"/>) classifies and writes a batch in one
/// transaction (SQLite: a prepared insert bound by position, the rollups folded from the stored clicks every few
/// thousand, <see cref="ClickJournal"/>; PostgreSQL: one multi-row statement with the batch's rollups), commits, and only
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
        if (session.Connection is not Microsoft.Data.Sqlite.SqliteConnection sqlite) return;
        _insert = new SqliteClickInsert(sqlite);
        // What the last run (or the batch that failed before this session) left waiting is folded as it goes.
        _unfolded = ClickJournal.Backlog(session);
    }

    protected override void Closing()
    {
        _insert?.Dispose();
        _insert = null;
    }

    // SQLite: clicks waiting in the journal, as this writer counts them (a reader may have folded some since).
    private int _unfolded;

    protected override void Write(DbSession session, List<Pending> batch)
    {
        var sources = new Dictionary<string, string?>(StringComparer.Ordinal);
        var stored = 0;
        foreach (var pending in batch)
        {
            var click = pending.Click;
            pending.Class = classifier.Classify(click.Ip, click.UserAgent, click.FlaggedAs, click.Evidence);
            if (_insert?.Insert(click, pending.Class, sources) == true) stored++;
        }
        if (session.Provider == StoreProvider.Postgres)
        {
            TrackingService.StoreMany(session, batch.ConvertAll(p => p.Click), batch.ConvertAll(p => p.Class!));
            return;
        }
        _unfolded += stored;
        if (_unfolded < ClickJournal.FoldEvery) return;
        // The oldest waiting clicks into the rollups, in this batch's transaction (ClickJournal): a chunk, and as many
        // more as the batch stored, so the backlog shrinks however fast clicks come.
        var limit = ClickJournal.FoldChunk + stored;
        var folded = ClickJournal.Fold(session, limit);
        _unfolded = folded < limit ? 0 : _unfolded - folded;
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
