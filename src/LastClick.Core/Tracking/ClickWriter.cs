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
/// <param name="foldFailed">Told when folding the journal failed (the server logs it); the clicks are stored all the same.</param>
public sealed class ClickWriter(Store store, ClickClassifier classifier, int maxBatch = 512, Action<Exception>? foldFailed = null)
    : CommitLoop<ClickWriter.Pending>(store, maxBatch)
{
    public sealed record Pending(Click Click, TaskCompletionSource<ClickClass> Done)
    {
        public ClickClass? Class { get; internal set; }
    }

    private SqliteClickInsert? _insert;

    /// <summary>Classifies the click and completes once it is committed to the store.</summary>
    /// <param name="answerOnWriter">
    /// The caller's continuation is short and never waits on anything (the redirect's: a cookie, two headers and the 302,
    /// handed to Kestrel): it runs on the writer's thread right after the commit, instead of being queued to the thread
    /// pool, which woke a pool thread for the answers of every batch (docs/performance.md). Anything longer would hold
    /// up the next batch.
    /// </param>
    public Task<ClickClass> WriteAsync(Click click, bool answerOnWriter = false)
    {
        var done = new TaskCompletionSource<ClickClass>(answerOnWriter ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        if (!Enqueue(new Pending(click, done))) done.SetException(new ObjectDisposedException(nameof(ClickWriter)));
        return done.Task;
    }

    // The insert stays prepared on the loop's session for its life.
    protected override void Opened(DbSession session)
    {
        if (session.Connection is not Microsoft.Data.Sqlite.SqliteConnection sqlite) return;
        _insert = new SqliteClickInsert(sqlite);
        // What the last run (or the batch that failed before this session) left waiting: the first batch folds it (up to
        // FoldEvery and a chunk; more is folded as it goes), so reports do not go on adding it while no click comes.
        _unfolded = ClickJournal.Backlog(session);
        _catchUp = _unfolded > 0;
    }

    protected override void Closing()
    {
        _insert?.Dispose();
        _insert = null;
    }

    // SQLite: clicks waiting in the journal, as this writer counts them (a reader may have folded some since); after a
    // fold failed, the batches to let by before the next try, and how many the next failure lets by.
    private int _unfolded;
    private bool _catchUp;
    private int _skip;
    private int _backoff = 1;

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
        if (_unfolded < ClickJournal.FoldEvery && !_catchUp) return;
        if (_skip > 0)
        {
            _skip--;
            return;
        }
        // The oldest waiting clicks into the rollups, in this batch's transaction (ClickJournal): a chunk, and as many
        // more as the batch stored, so the backlog shrinks however fast clicks come.
        var limit = _catchUp ? ClickJournal.FoldEvery + ClickJournal.FoldChunk : ClickJournal.FoldChunk + stored;
        _catchUp = false;
        // In a savepoint of its own: a fold that fails leaves the clicks stored and answered, and waiting (reports add
        // them as they read); the next batch tries again. Only when SQLite has rolled the whole transaction back (a full
        // disk, an I/O error) does the savepoint fail too, and the batch with it, as a failed insert would.
        session.Execute("SAVEPOINT fold");
        int folded;
#pragma warning disable CA1031 // any failure of the fold is the fold's: it is reported, and the clicks go on
        try
        {
            folded = ClickJournal.Fold(session, limit);
            session.Execute("RELEASE SAVEPOINT fold");
        }
        catch (Exception e)
        {
            session.Execute("ROLLBACK TO SAVEPOINT fold");
            session.Execute("RELEASE SAVEPOINT fold");
            // Tried again after 1, 2, 4 … 1,024 batches: a fold that keeps failing neither floods the log nor the writer.
            _skip = _backoff;
            _backoff = Math.Min(_backoff * 2, 1_024);
            foldFailed?.Invoke(e);
            return;
        }
#pragma warning restore CA1031
        _backoff = 1;
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
