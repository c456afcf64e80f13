using System.Globalization;
using System.Data.Common;
using Dapper;
using LastClick.Common;
using LastClick.Data;
using LastClick.Ledger;
using LastClick.Tests.Support;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Data;

/// <summary>The same behaviour on both stores, against a real SQLite file and a real PostgreSQL server.</summary>
public sealed class StoreTests : IClassFixture<PostgresAvailability>
{
    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void Migrations_run_at_start_and_running_them_again_changes_nothing(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        using var c = h.Platform.Store.Open();
        var applied = c.Query<long>("SELECT version FROM schema_migrations ORDER BY version").ToList();
        h.Platform.Store.Migrate(h.Clock);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L, 21L, 22L, 23L, 24L], applied);
        Assert.Equal(applied, c.Query<long>("SELECT version FROM schema_migrations ORDER BY version").ToList());
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void D1_ledger_transfers_are_never_updated_or_deleted(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher().Click();
        h.Order();
        using var c = h.Platform.Store.Open();

        Assert.ThrowsAny<DbException>(() => c.Execute("UPDATE ledger_transfers SET amount_minor = amount_minor + 1"));
        Assert.ThrowsAny<DbException>(() => c.Execute("DELETE FROM ledger_transfers"));
        Assert.ThrowsAny<DbException>(() => c.Execute(
            "INSERT INTO ledger_transfers (program_id, publisher_id, currency, kind, from_account, to_account, amount_minor, at) VALUES ('x', 'p1', 'USD', 'k', 'program', 'pending', 0, 0)"));
        Assert.Equal(7.20m, h.Balance().Pending);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void An_order_is_idempotent_by_id_and_a_different_body_is_a_conflict_that_changes_nothing(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher().Click();
        var first = h.Order(lines: Line(price: 100m));
        var again = h.Order(lines: Line(price: 100m));
        Assert.Equal(first with { Lines = [], AttributionTrace = [] }, again with { Lines = [], AttributionTrace = [] });
        Assert.Single(h.Transfers());

        var e = Assert.Throws<ProblemException>(() => h.Order(lines: Line(price: 200m)));
        Assert.Equal(("conflict", "order.id"), (e.Problem.Type, e.Problem.Field));
        Assert.Equal("7.20", h.Find().Commission);
        Assert.Single(h.Transfers());
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void A_publisher_is_created_then_updated_in_place(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Platform.Publishers.Upsert(new LastClick.Publishers.Publisher("p1", "coupon", 150));
        h.Platform.Publishers.Upsert(new LastClick.Publishers.Publisher("p1", "cashback", 12, PayoutDetailsComplete: true));

        // "Complete" is derived from payout details, never written from the record (D3).
        Assert.Equal(new LastClick.Publishers.Publisher("p1", "cashback", 12, false), h.Platform.Publishers.Find("p1"));
        h.Platform.Payouts.SetDetails("p1", LastClick.Payouts.PayoutDetailsRules.ReplayWire("p1"), "test");
        Assert.True(h.Platform.Publishers.Find("p1")!.PayoutDetailsComplete);
        Assert.Null(h.Platform.Publishers.Find("p2"));
        var e = Assert.Throws<ProblemException>(() => h.Platform.Publishers.Upsert(new LastClick.Publishers.Publisher("p3", "spam", null, true)));
        Assert.StartsWith("publisher.trafficType: unknown traffic type 'spam'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void A_publishers_commission_list_is_its_own_and_filters_by_status_time_and_sub_id(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2");
        h.Platform.Tracking.RecordClick(new LastClick.Tracking.Click("c1", "aliexpress-ww", "p1", "v1", T("2026-02-01T10:00:00Z"), null, null, null, Sub1: "a"));
        h.Platform.Tracking.RecordClick(new LastClick.Tracking.Click("c2", "aliexpress-ww", "p1", "v2", T("2026-02-01T10:00:00Z"), null, null, null, Sub1: "b"));
        h.Click("c3", "v3", publisher: "p2");
        h.Order("o1", "2026-02-01T11:00:00Z", visitor: "v1");
        h.Order("o2", "2026-02-02T11:00:00Z", visitor: "v2");
        h.Order("o3", "2026-02-02T11:00:00Z", visitor: "v3");
        h.Event("e1", "goods_received", "2026-02-03T00:00:00Z", order: "o1");

        IReadOnlyList<string> Ids(LastClick.Orders.CommissionFilter f) =>
            h.Platform.Store.InSession(s => LastClick.Orders.OrderService.ForPublisher(s, "p1", f)).Select(o => o.Id).ToList();
        Assert.Equal(["o2", "o1"], Ids(new()));
        Assert.Equal(["o1"], Ids(new(Status: "payable")));
        Assert.Equal(["o2"], Ids(new(Sub1: "b")));
        Assert.Equal(["o2"], Ids(new(From: T("2026-02-02T00:00:00Z"), To: T("2026-02-03T00:00:00Z"))));
        Assert.Empty(Ids(new(Program: "aliexpress-cis")));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void An_event_for_an_unknown_order_is_a_clear_error_and_writes_nothing(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var e = Assert.Throws<ProblemException>(() => h.Event("e1", "paid", "2026-02-02T00:00:00Z", order: "nope"));
        Assert.Equal("event.order: unknown order 'nope'", e.Message);
        using var c = h.Platform.Store.Open();
        Assert.Equal(0L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM order_events"));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void The_whole_lifecycle_gives_the_same_books_on_both_stores(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1").Publisher("p2", "coupon");
        h.Click("c1", "v1", publisher: "p1");
        h.Click("c2", "v2", "2026-02-01T11:00:00Z", publisher: "p2");
        h.Order("o1", currency: "EUR", lines: [Line("a", "Mobile phone accessories", 129.90m, 2), Line("b", price: 45m)]);
        h.Order("o2", visitor: "v2", lines: Line(price: 300m));
        h.Event("e1", "goods_received", "2026-02-05T00:00:00Z", order: "o1");
        h.Event("e2", "goods_received", "2026-02-05T00:00:00Z", order: "o2");
        h.Payout("2026-02-06T00:00:00Z");
        h.Event("e3", "refunded", "2026-02-07T00:00:00Z", order: "o1", line: "b", amount: 45m);
        h.Event("e4", "fraud", "2026-02-08T00:00:00Z", order: "o2");

        Assert.Equal(new BalanceView("p1", "USD", 0m, 0m, -3.79m, 20.81m), h.Balance("p1"));
        Assert.Equal(new BalanceView("p2", "USD", 0m, 0m, -21.60m, 21.60m), h.Balance("p2"));
        Assert.Equal(["commission", "commission", "release", "release", "payout", "payout", "refund_adjustment", "antispam_deduction"],
            h.Transfers().Select(t => t.Kind));
    }

    [Fact]
    public void Closing_a_sqlite_store_leaves_the_pooled_connections_of_other_stores_alone()
    {
        // Closing a store used to clear every SQLite pool of the process. Microsoft.Data.Sqlite's pool can then reclaim
        // a connection it is just handing out to another thread (it marks it in use in two unsynchronised writes), and
        // that user got a disposed handle: CI once failed with ObjectDisposedException 'SQLitePCL.sqlite3' in Open.
        // A store now clears only its own pool. Seen here through a pooled handle's temporary table, which lives
        // exactly as long as the handle.
        var dir = Directory.CreateTempSubdirectory("lastclick-pool-").FullName;
        try
        {
            using var store = new SqliteStore(Path.Combine(dir, "main.db"));
            using (var connection = store.Open()) connection.Execute("CREATE TEMP TABLE handle_marker (x INTEGER)");
            using (new SqliteStore(Path.Combine(dir, "neighbour.db"))) { }
            using (var connection = store.Open())
                Assert.Equal(0L, connection.ExecuteScalar<long>("SELECT COUNT(*) FROM temp.handle_marker"));
            store.Dispose();
            using (var connection = store.Open())
                Assert.ThrowsAny<DbException>(() => connection.ExecuteScalar<long>("SELECT COUNT(*) FROM temp.handle_marker"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Sqlite_keeps_no_memory_statistics_once_a_store_has_been_opened()
    {
        // Every allocation SQLite counts takes one process-wide mutex (docs/performance.md): the store turns the
        // counting off before SQLite's first connection. With it on, any work leaves a count above zero.
        using var h = Harness.Sqlite();
        h.Publisher().Click();
        h.Order();
        Assert.True(SqliteStore.MemoryStatisticsOff, "SQLite refused the setting: something started it before any store");
        Assert.Equal(0L, SQLitePCL.raw.sqlite3_memory_used());
    }

    [Fact]
    public void A_sessions_sqlite_writes_count_rows_store_values_and_fail_as_microsoft_data_sqlite_does()
    {
        // Writes run through SQLitePCL by position (SqliteWrite); what they cannot bind goes to Microsoft.Data.Sqlite.
        using var h = Harness.Sqlite();
        using var s = h.Platform.Store.Begin();
        s.Execute("CREATE TABLE w (id TEXT PRIMARY KEY, n INTEGER, flag INTEGER, x REAL, d TEXT, note TEXT)");
        const string Insert = "INSERT INTO w (id, n, flag, x, d, note) VALUES (@Id, @N, @Flag, @X, @D, @Note) ON CONFLICT (id) DO NOTHING";

        Assert.Equal(1, s.Execute(Insert, new { Id = "a", N = 7L, Flag = true, X = 0.5, D = (decimal?)null, Note = (string?)null }));
        Assert.Equal(0, s.Execute(Insert, new { Id = "a", N = 8L, Flag = false, X = 1.5, D = (decimal?)null, Note = (string?)"again" }));
        // A decimal is not one it binds: Microsoft.Data.Sqlite runs that one (as its text, 12.5), the same statement still counts.
        Assert.Equal(1, s.Execute(Insert, new { Id = "b", N = 1L, Flag = false, X = 2.0, D = (decimal?)12.50m, Note = (string?)"é" }));
        Assert.Equal(2, s.ExecuteEach("UPDATE w SET n = n + @N WHERE id = @Id", new[] { new { Id = "a", N = 1L }, new { Id = "b", N = 1L } }));
        Assert.Equal(["a|8|1|0.5||", "b|2|0|2.0|12.5|é"],
            s.Query<string>("SELECT id || '|' || n || '|' || flag || '|' || x || '|' || COALESCE(d, '') || '|' || COALESCE(note, '') FROM w ORDER BY id"));

        // A constraint fails as SQLite's error, and the statement is ready for the next run.
        var e = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => s.Execute("INSERT INTO w (id, n) VALUES (@Id, @N)", new { Id = "a", N = 1L }));
        Assert.Equal(19, e.SqliteErrorCode);
        Assert.Equal(1, s.Execute("INSERT INTO w (id, n) VALUES (@Id, @N)", new { Id = "c", N = 1L }));
        // NaN is refused as Microsoft.Data.Sqlite refuses it (SQLite itself would store a null).
        Assert.Throws<InvalidOperationException>(() => s.Execute(Insert, new { Id = "n", N = 1L, Flag = false, X = double.NaN, D = (decimal?)null, Note = (string?)null }));
        // A parameter the object lacks is Microsoft.Data.Sqlite's error, as before.
        Assert.Throws<InvalidOperationException>(() => s.Execute("UPDATE w SET n = @N WHERE id = @Missing", new { N = 1L }));
        s.Commit();
    }

    [Fact]
    public void A_publishers_balance_and_history_read_that_publishers_transfers_through_its_index_not_every_transfer()
    {
        // With "@publisherId IS NULL OR publisher_id = @publisherId", SQLite scanned ledger_transfers twice for one
        // publisher's balance: 330 ms at 2,000,000 transfers (9 ms through the index), growing with every order.
        using var h = Harness.Sqlite();
        h.Publisher().Click();
        h.Order();
        using var c = h.Platform.Store.Open();
        foreach (var sql in new[] { LastClick.Ledger.LedgerQueries.BalanceSql, LastClick.Ledger.LedgerQueries.TransfersSql })
        {
            var plan = Plan(c, sql, new { publisherId = "p1", limit = 10L, offset = 0L });
            Assert.DoesNotContain(plan, step => step.StartsWith("SCAN ledger_transfers", StringComparison.Ordinal));
            Assert.Contains(plan, step => step.Contains("USING INDEX ledger_transfers_publisher", StringComparison.Ordinal));
        }
        Assert.Equal(7.20m, h.Balance().Pending);
        Assert.Single(h.Platform.Ledger.Transfers("p1", 10, 0));
        Assert.Empty(h.Platform.Ledger.Transfers("p2", 10, 0));
    }

    [Fact]
    public void An_orders_transfer_enters_no_index_a_payout_run_reads_that_read_stays_on_its_index_and_its_messages_enter_none()
    {
        // Migration 0023: the payable balances' indexes hold only the rows that read looks for. Before, every order
        // wrote an entry into each, and its messages one into the outbox's, on a page of its own (~90 of ~450 pages a
        // group commit). Since 0024 the outbox has no secondary index on SQLite (nothing reads one there).
        using var h = Harness.Sqlite();
        h.Publisher().Click();
        h.Order();
        using var c = h.Platform.Store.Open();
        var payable = Plan(c, LastClick.Payouts.PayoutService.PayableSql, new { programId = "aliexpress-ww" });
        Assert.Contains(payable, step => step.Contains("USING COVERING INDEX ledger_transfers_into", StringComparison.Ordinal));
        Assert.Contains(payable, step => step.Contains("USING COVERING INDEX ledger_transfers_out_of", StringComparison.Ordinal));

        // ANALYZE counts each index's entries (the first number of its sqlite_stat1 row): the order's transfer (into
        // 'pending') is in its table and in neither of the two.
        c.Execute("ANALYZE main");
        long Entries(string index) => c.QuerySingleOrDefault<string>("SELECT stat FROM sqlite_stat1 WHERE idx = @index", new { index }) is { } stat
            ? long.Parse(stat.Split(' ')[0], CultureInfo.InvariantCulture) : 0;
        Assert.Equal(1L, Entries("ledger_transfers_publisher"));
        Assert.Equal(0L, Entries("ledger_transfers_into"));
        Assert.Equal(0L, Entries("ledger_transfers_out_of"));
        Assert.Equal(0L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox_messages'"));
        Assert.NotEqual(0L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM outbox_messages"));
    }

    /// <summary>SQLite's plan for the statement: the detail of each step (<c>SCAN …</c>, <c>SEARCH … USING INDEX …</c>).</summary>
    private static List<string> Plan(System.Data.IDbConnection c, string sql, object args) =>
        c.Query<(long Id, long Parent, long Unused, string Detail)>("EXPLAIN QUERY PLAN " + sql, args).Select(step => step.Detail).ToList();
}
