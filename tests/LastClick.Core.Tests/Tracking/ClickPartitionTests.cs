using Dapper;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Reports;
using LastClick.Tracking;
using LastClick.Tests.Support;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Tracking;

/// <summary>
/// Clicks partitioned by UTC day on PostgreSQL (issue 19, decision 0015): the coming days are made ahead, a day made
/// late takes its clicks out of the default partition, the click id stays idempotent, an order finds its click by id in
/// any partition, and retention drops whole days (what the default partition holds by range).
/// </summary>
public sealed class ClickPartitionTests : IClassFixture<PostgresAvailability>
{
    [Fact]
    public void Clicks_live_in_day_partitions_made_ahead_the_id_stays_idempotent_and_retention_drops_whole_days()
    {
        using var h = Harness.Create(TestStores.Postgres);
        if (h is null) return;
        var store = h.Platform.Store;
        h.Publisher();
        Assert.Empty(ClickPartitions.Days(store));

        // Before any day partition exists a click lands in the default partition; the day made later takes it along.
        var redirect = Guid.CreateVersion7(T("2026-02-01T10:00:00Z")).ToString("N");
        h.Click(redirect, "v1", "2026-02-01T10:00:00Z");
        h.Click("replayed-old", "v9", "2025-06-01T10:00:00Z");
        Assert.Equal("clicks_default", Partition(h, redirect));
        Assert.Equal(9, ClickPartitions.Ensure(store, T("2026-02-01T12:00:00Z")));
        Assert.Equal(0, ClickPartitions.Ensure(store, T("2026-02-01T13:00:00Z")));
        Assert.Equal(Enumerable.Range(0, 9).Select(i => ClickPartitions.Name(Times.ToMicros(T("2026-01-31T00:00:00Z")) / Cubes.Day + i)),
            ClickPartitions.Days(store).Select(ClickPartitions.Name));
        Assert.Equal(("clicks_d20260201", "clicks_default"), (Partition(h, redirect), Partition(h, "replayed-old")));

        // The same click again is stored once and counted once.
        h.Click(redirect, "v1", "2026-02-01T10:00:00Z");
        h.Click("api-id", "v2", "2026-02-03T08:00:00Z");
        Assert.Equal(("clicks_d20260203", 3L), (Partition(h, "api-id"), Count(h)));
        Assert.Equal(3, Clicks(store));

        // An order names its click by id: found in its day's partition (a UUIDv7 says which) or by looking everywhere.
        h.Clock.Set(T("2026-02-04T09:00:00Z"));
        Assert.Equal(redirect, h.Platform.Orders.Ingest(new Order("o1", T("2026-02-02T09:00:00Z"), Currency.Of("USD"), "DE", [Line()], null, redirect), "aliexpress-ww").Click);
        Assert.Equal("api-id", h.Platform.Orders.Ingest(new Order("o2", T("2026-02-04T09:00:00Z"), Currency.Of("USD"), "DE", [Line()], null, "api-id"), "aliexpress-ww").Click);

        // 45 days kept on 2026-03-20: the days before 2026-02-03 go whole, the old replayed click by range.
        Assert.Equal(2, Retention.DropClicks(store, T("2026-03-20T12:00:00Z"), 45));
        Assert.Equal(["api-id"], Ids(h));
        Assert.Equal(ClickPartitions.Days(store)[0], Times.ToMicros(T("2026-02-03T00:00:00Z")) / Cubes.Day);
        Assert.Equal(0, Retention.DropClicks(store, T("2026-03-20T12:00:00Z"), 45));
        // The reports keep the dropped clicks counted.
        Assert.Equal(3, Clicks(store));
    }

    [Fact]
    public void A_click_ids_window_comes_from_a_UUIDv7_and_any_other_id_is_looked_up_everywhere()
    {
        var at = T("2026-02-01T10:00:00.123Z");
        var (from, to) = ClickPartitions.Window(Guid.CreateVersion7(at).ToString("N"));
        Assert.Equal((Times.ToMicros(at) - Cubes.Day, Times.ToMicros(at) + Cubes.Day), (from, to));
        Assert.Equal(ClickPartitions.Everything, ClickPartitions.Window(Guid.NewGuid().ToString("N")));
        Assert.Equal(ClickPartitions.Everything, ClickPartitions.Window("demo-click-0001"));
        Assert.Equal("clicks_d19700101", ClickPartitions.Name(0));
    }

    private static long Clicks(LastClick.Data.Store store) => Reports.Reports.Run(store, new ReportQuery("program", new DateOnly(2025, 1, 1), new DateOnly(2026, 2, 28),
        TimeZoneInfo.Utc, new Dictionary<Dimension, string>(), null, "-clicks", 100, 0)).Totals.Clicks;

    private static string Partition(Harness h, string id)
    {
        using var c = h.Platform.Store.Open();
        return c.ExecuteScalar<string>("SELECT tableoid::regclass::text FROM clicks WHERE id = @id", new { id })!;
    }

    private static long Count(Harness h)
    {
        using var c = h.Platform.Store.Open();
        return c.ExecuteScalar<long>("SELECT COUNT(*) FROM clicks");
    }

    private static List<string> Ids(Harness h)
    {
        using var c = h.Platform.Store.Open();
        return [.. c.Query<string>("SELECT id FROM clicks ORDER BY id")];
    }
}
