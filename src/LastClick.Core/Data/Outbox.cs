using System.Data.Common;
using System.Text.Json;
using Dapper;
using LastClick.Common;

namespace LastClick.Data;

/// <summary>
/// Facts worth telling (a payout planned, approved, exported, a line returned, payout details changed), written in the
/// transaction of the change itself so that a message exists exactly when the change does. Delivery (email, postbacks,
/// the notification centre) reads them in the order of <see cref="Position"/>.
/// </summary>
public static class Outbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string InsertSql = """
        INSERT INTO outbox_messages (kind, program_id, publisher_id, subject, payload, at)
        VALUES (@kind, @programId, @publisherId, @subject, @payload, @at)
        """;

    public static void Write(DbSession s, DateTimeOffset at, string kind, string subject, object payload, string? programId = null, string? publisherId = null) =>
        s.Write(InsertSql, InsertParameters(at, kind, subject, payload, programId, publisherId));

    /// <summary>As <see cref="Write"/>, at once, answering the message's id (for a caller that refers to it in the same transaction).</summary>
    public static long WriteReturningId(DbSession s, DateTimeOffset at, string kind, string subject, object payload, string? programId = null, string? publisherId = null) =>
        s.Scalar<long>(InsertSql + " RETURNING id", InsertParameters(at, kind, subject, payload, programId, publisherId));

    private static object InsertParameters(DateTimeOffset at, string kind, string subject, object payload, string? programId, string? publisherId) =>
        new { kind, programId, publisherId, subject, payload = JsonSerializer.Serialize(payload, Json), at = Times.ToMicros(at) };

    /// <summary>
    /// A reader's place in the outbox (<c>outbox_cursors</c>): past every message up to this one, in the order the
    /// readers take them. PostgreSQL gives out ids as transactions insert, not as they commit, so a transaction that
    /// stays open a while (a payout export, another node's batch, the hold's end) commits smaller ids after a larger one
    /// was read, and a reader going by id passed them for ever. There readers go by the inserting transaction's id
    /// first (<c>xact</c>, migration 0024) and take only the messages of transactions older than every one still
    /// running (<c>pg_snapshot_xmin</c>): none can appear behind the place they reach. A message waits as long as the
    /// oldest write transaction of the server runs. SQLite commits one write at a time, in id order; its xact is 0.
    /// </summary>
    public readonly record struct Position(long Xact, long Id) : IComparable<Position>
    {
        public int CompareTo(Position other) => Xact != other.Xact ? Xact.CompareTo(other.Xact) : Id.CompareTo(other.Id);

        public static bool operator <(Position a, Position b) => a.CompareTo(b) < 0;
        public static bool operator >(Position a, Position b) => a.CompareTo(b) > 0;
        public static bool operator <=(Position a, Position b) => a.CompareTo(b) <= 0;
        public static bool operator >=(Position a, Position b) => a.CompareTo(b) >= 0;
    }

    /// <summary>Where <paramref name="reader"/> is (the start when it has read nothing).</summary>
    internal static Position Cursor(DbSession s, string reader) =>
        s.Query<(long Xact, long Id)>("SELECT last_xact, last_id FROM outbox_cursors WHERE name = @reader", new { reader }) is [var (xact, id)]
            ? new Position(xact, id) : default;

    /// <summary>Moves <paramref name="reader"/> to <paramref name="to"/>, never back (two nodes may route the same batch).</summary>
    internal static void MoveCursor(DbSession s, string reader, Position to) => s.Execute("""
        INSERT INTO outbox_cursors (name, last_id, last_xact) VALUES (@reader, @Id, @Xact)
        ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id, last_xact = excluded.last_xact
        WHERE (outbox_cursors.last_xact, outbox_cursors.last_id) < (excluded.last_xact, excluded.last_id)
        """, new { reader, to.Id, to.Xact });

    /// <summary>
    /// The messages past <paramref name="reader"/>'s cursor that it can read, in reading order, at most
    /// <paramref name="batch"/>: <paramref name="columns"/> (id among them) and <c>xact</c> (see <see cref="PastSql"/>).
    /// </summary>
    internal static List<T> Past<T>(DbSession s, string reader, string columns, int batch)
    {
        var cursor = Cursor(s, reader);
        return s.Query<T>(PastSql(s.Provider, columns), new { cursor = cursor.Id, xact = cursor.Xact, batch });
    }

    /// <summary>
    /// The messages past @xact/@cursor that can be read (see <see cref="Position"/>), in reading order, at most @batch:
    /// <paramref name="columns"/> (id among them) and <c>xact</c>.
    /// </summary>
    internal static string PastSql(StoreProvider provider, string columns) => provider == StoreProvider.Postgres
        ? $"""
          SELECT {columns}, CAST(CAST(xact AS TEXT) AS BIGINT) AS xact FROM outbox_messages
          WHERE (xact, id) > (CAST(CAST(@xact AS TEXT) AS xid8), @cursor) AND xact < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY outbox_messages.xact, outbox_messages.id LIMIT @batch
          """
        : $"SELECT {columns}, 0 AS xact FROM outbox_messages WHERE id > @cursor ORDER BY id LIMIT @batch";

    /// <summary>The migration that gives messages their transaction's id (<see cref="Position"/>).</summary>
    internal const long CommitOrderMigration = 24;

    /// <summary>
    /// PostgreSQL, at start-up (<see cref="Store.Migrate(TimeProvider)"/>): positions and messages with transaction ids
    /// this server has not handed out yet came from another cluster by a logical copy (pg_dump and restore, logical
    /// replication; a physical copy and pg_upgrade keep the counter). Here the counter starts again below them: new
    /// messages would sort behind every reader, and the copied ones wait until the counter reaches theirs. Those are all
    /// committed, so they become xact 0, in id order, before anything new; a reader past one of them is moved back to just
    /// before the first it had not read, so nothing is lost (messages after that point it had read are read again: at
    /// least once, as delivery always is). Returns the rows moved.
    /// </summary>
    internal static int Rebase(DbConnection c, DbTransaction transaction) => c.Execute("""
        UPDATE outbox_cursors r SET last_xact = 0, last_id = COALESCE(
            (SELECT MIN(m.id) - 1 FROM outbox_messages m WHERE (m.xact, m.id) > (CAST(CAST(r.last_xact AS TEXT) AS xid8), r.last_id)),
            (SELECT MAX(m.id) FROM outbox_messages m), r.last_id)
        WHERE CAST(CAST(r.last_xact AS TEXT) AS xid8) >= pg_snapshot_xmax(pg_current_snapshot());
        UPDATE outbox_messages SET xact = '0' WHERE xact >= pg_snapshot_xmax(pg_current_snapshot());
        """, transaction: transaction);

    /// <summary>A write transaction of the server that the outbox's readers wait for (see <see cref="Position"/>).</summary>
    /// <param name="Pid">The backend's process id; null for a prepared transaction.</param>
    /// <param name="Kind"><c>session</c> (running, or idle in a transaction) or <c>prepared</c> (two-phase, waiting for its COMMIT PREPARED).</param>
    /// <param name="State">The session's state (<c>active</c>, <c>idle in transaction</c>, …), or the prepared transaction's name.</param>
    public sealed record Holder(int? Pid, string Kind, string State, double Seconds, string? Database, string? Query);

    /// <summary>
    /// PostgreSQL: the write transactions of the server, in any database, that began more than <paramref name="longerThan"/>
    /// ago, oldest first. Each holds back every outbox message written after it began, until it ends; an idle-in-transaction
    /// session or a prepared transaction left behind holds them for ever. Another role's sessions show only what the
    /// server lets this one see. None on SQLite.
    /// </summary>
    public static IReadOnlyList<Holder> HeldBackBy(DbSession s, TimeSpan longerThan)
    {
        if (s.Provider != StoreProvider.Postgres) return [];
        return [.. s.Query<HolderRow>("""
            SELECT pid AS Pid, 'session' AS Kind, COALESCE(state, '') AS State,
                   CAST(EXTRACT(EPOCH FROM clock_timestamp() - xact_start) AS DOUBLE PRECISION) AS Seconds, datname AS Database, LEFT(query, 200) AS Query
            FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND xact_start < clock_timestamp() - make_interval(secs => @seconds)
            UNION ALL
            SELECT NULL, 'prepared', gid, CAST(EXTRACT(EPOCH FROM clock_timestamp() - prepared) AS DOUBLE PRECISION), database, NULL
            FROM pg_prepared_xacts WHERE prepared < clock_timestamp() - make_interval(secs => @seconds)
            ORDER BY 4 DESC
            """, new { seconds = longerThan.TotalSeconds })
            .Select(r => new Holder(r.Pid, r.Kind, r.State, r.Seconds, r.Database, r.Query))];
    }

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class HolderRow
    {
        public int? Pid { get; set; }
        public string Kind { get; set; } = "";
        public string State { get; set; } = "";
        public double Seconds { get; set; }
        public string? Database { get; set; }
        public string? Query { get; set; }
    }
#pragma warning restore CA1812

    public sealed record Message(long Id, string Kind, string? ProgramId, string? PublisherId, string Subject, string Payload, DateTimeOffset At);

    /// <summary>The messages about a publisher (or all, when null), oldest first.</summary>
    public static IReadOnlyList<Message> Read(DbSession s, string? publisherId = null, string? kind = null) =>
        s.Query<Row>("""
            SELECT id, kind, program_id, publisher_id, subject, payload, at FROM outbox_messages
            WHERE (@publisherId IS NULL OR publisher_id = @publisherId) AND (@kind IS NULL OR kind = @kind) ORDER BY id
            """, new { publisherId, kind })
            .Select(r => new Message(r.Id, r.Kind, r.ProgramId, r.PublisherId, r.Subject, r.Payload, Times.FromMicros(r.At))).ToList();

#pragma warning disable CA1812 // instantiated by the row mapper
    private sealed class Row
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string? ProgramId { get; set; }
        public string? PublisherId { get; set; }
        public string Subject { get; set; } = "";
        public string Payload { get; set; } = "";
        public long At { get; set; }
    }
#pragma warning restore CA1812
}
