namespace LastClick.Data;

/// <summary>
/// Group commit for the marketplace's writes (orders, events, touches), on the loop clicks use too
/// (<see cref="CommitLoop{TItem}"/>). Callers hand over a piece of work and await it; each piece of a batch runs inside
/// a savepoint, the batch commits once, and only then are the callers answered. A piece that throws is rolled back to
/// its savepoint alone and its caller gets the exception; the others commit. A failed commit fails every piece of the
/// batch, so nothing is acknowledged that is not stored. The pieces' report and quality rollups are summed per row and
/// written once for the batch, just before it commits (<see cref="DbSession.WriteFolded"/>).
/// </summary>
/// <param name="writers">Batches written at once (<see cref="CommitLoop{TItem}"/>): by default one on SQLite, <see cref="PostgresWriters"/> on PostgreSQL.</param>
public sealed class GroupCommit(Store store, int maxBatch = 256, int? writers = null)
    : CommitLoop<GroupCommit.Job>(store, maxBatch, writers ?? (store.Provider == StoreProvider.Postgres ? PostgresWriters : 1))
{
    /// <summary>
    /// PostgreSQL: two writers, so that one writes while the other waits for the server (a batch's statements are round
    /// trips, and its commit a WAL flush). Two batches at once meet as two nodes' would: on rows both change, in the
    /// same order, and a deadlock sends a piece to a later batch (docs/performance.md).
    /// </summary>
    public const int PostgresWriters = 2;

    private long _again;

    /// <summary>
    /// Pieces sent to a later batch because PostgreSQL ended their statement to break a deadlock (after its
    /// <c>deadlock_timeout</c>, a second by default) or a serialization conflict; a piece sent twice counts twice.
    /// </summary>
    public long SentAgain => Interlocked.Read(ref _again);

    /// <summary>Runs the work in the next batch; completes once that batch is committed.</summary>
    /// <param name="key">
    /// The row the work locks first (<see cref="Key"/>: an order's, for the order or one of its events). PostgreSQL: a
    /// batch runs its pieces in key order (ordinal; pieces without a key first, so a batch's touches are stored before
    /// its orders look for them; one key's pieces in the order they came into the batch), so two batches (two writers,
    /// or two nodes) that both hold copies of the same orders lock them in the same order, and neither waits for a row
    /// the other takes only after the one it waits for (a deadlock, which the server ends after a second). Pieces of
    /// one batch have no order between them otherwise: none of their callers has been answered.
    /// </param>
    public Task<T> RunAsync<T>(Func<DbSession, T> work, string? key = null)
    {
        var job = new Job<T>(work) { Key = key };
        if (!Enqueue(job)) job.Fail(new ObjectDisposedException(nameof(GroupCommit)));
        return job.Done.Task;
    }

    /// <summary>
    /// A background writer's work beside the marketplace's (the outbox's readers in <c>serve</c>): on SQLite a piece of the
    /// next batch, so it never takes the file's one write lock between two batches (decision 0016); on PostgreSQL a write
    /// session of its own, which locks only its rows, and where an advisory lock it takes is held for its own
    /// transaction, not for a whole batch. Completes once the work is committed.
    /// </summary>
    public Task<T> RunBesideAsync<T>(Func<DbSession, T> work) =>
        Store.Provider == StoreProvider.Sqlite ? RunAsync(work) : Task.FromResult(Store.InSession(work));

    /// <summary>The key of a piece whose first lock is the row <paramref name="id"/> of <paramref name="table"/>.</summary>
    public static string Key(string table, string id) => table + "\0" + id;

    protected override void Write(DbSession session, List<Job> batch)
    {
        if (session.Provider == StoreProvider.Postgres && batch.Count > 1)
        {
            // Stable: one order's pieces in this batch (its creation and an event, sent at once) keep the order they
            // came in. (Sent at once, they may also land in two batches, on the two writers: the event then waits for
            // no uncommitted order and is refused as for an unknown one, as it would be on two nodes.)
            var byKey = batch.OrderBy(job => job.Key ?? "", StringComparer.Ordinal).ToList();
            batch.Clear();
            batch.AddRange(byKey);
        }
        foreach (var job in batch)
        {
            job.Outcome = Outcome.Failed;
            // PostgreSQL: sent with the piece's first statement, in its round trip (SQLite runs it at once).
            session.Write("SAVEPOINT job");
            var savepoint = session.LastPending;
            session.BeginPiece();
            try
            {
                job.Run(session);
                session.Execute("RELEASE SAVEPOINT job");
                session.EndPiece(kept: true);
                job.Outcome = Outcome.Ran;
            }
#pragma warning disable CA1031 // the failure belongs to the one caller whose work it was
            catch (Exception e)
            {
                session.EndPiece(kept: false);
                // PostgreSQL: what the piece wrote and did not send yet is dropped, not sent to be undone (a write
                // failing there would fail the whole batch); when its savepoint never went either, nothing of the
                // piece reached the server and there is nothing to roll back.
                if (!session.DiscardPending(savepoint))
                {
                    session.Execute("ROLLBACK TO SAVEPOINT job");
                    session.Execute("RELEASE SAVEPOINT job");
                }
                // PostgreSQL with several nodes: a deadlock between two batches ends one statement. Retrying here
                // would meet the same locks this batch still holds, so the work goes to the next batch, after this
                // one commits and lets them go.
                if (IsTransient(e) && job.Attempts++ < 3) job.Outcome = Outcome.Again;
                else job.Fail(e);
            }
#pragma warning restore CA1031
        }
        // The report and quality rollups of every piece kept, summed per row: one write a table for the batch, in
        // the same transaction as the facts (a failure here fails the whole batch: nothing is answered).
        session.WriteFolded();
    }

    protected override int Committed(List<Job> batch)
    {
        var again = 0;
        foreach (var job in batch)
        {
            if (job.Outcome == Outcome.Ran) job.Complete();
            else if (job.Outcome == Outcome.Again)
            {
                again++;
                if (Enqueue(job)) Interlocked.Increment(ref _again);
                else job.Fail(new ObjectDisposedException(nameof(GroupCommit)));
            }
        }
        return batch.Count - again;
    }

    protected override void Failed(List<Job> batch, Exception failure)
    {
        foreach (var job in batch) job.Fail(failure);
    }

    private static bool IsTransient(Exception e) => e is Npgsql.PostgresException { SqlState: "40P01" or "40001" };

    // What became of a piece in the batch that ran it (it failed on its own, it is kept, it goes to a later batch).
    internal enum Outcome { Failed, Ran, Again }

    public abstract class Job
    {
        internal string? Key { get; init; }

        internal int Attempts { get; set; }

        internal Outcome Outcome { get; set; }

        internal abstract void Run(DbSession session);
        internal abstract void Complete();
        internal abstract void Fail(Exception error);
    }

    private sealed class Job<T>(Func<DbSession, T> work) : Job
    {
        private T? _result;

        public TaskCompletionSource<T> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal override void Run(DbSession session) => _result = work(session);

        internal override void Complete() => Done.TrySetResult(_result!);

        internal override void Fail(Exception error) => Done.TrySetException(error);
    }
}
