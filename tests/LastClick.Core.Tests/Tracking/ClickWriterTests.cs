using Dapper;
using LastClick.Tests.Support;
using LastClick.Tracking;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Tracking;

/// <summary>Group-committed clicks (F2, issue 3's durable redirect): a completed write is a stored click.</summary>
public sealed class ClickWriterTests : IClassFixture<PostgresAvailability>
{
    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public async Task F2_clicks_from_many_writers_are_committed_in_groups_and_each_is_stored_when_its_write_completes(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        const int writers = 4, perWriter = 300;
        var writer = new ClickWriter(h.Platform.Store, ClickClassifier.Default);

        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var id = $"w{w}-{i}";
                var cls = await writer.WriteAsync(new Click(id, "aliexpress-ww", "p1", $"v{w}-{i}", T("2026-02-01T10:00:00Z").AddSeconds(i),
                    "77.88.8.8", "Mozilla/5.0 Firefox/128.0", null));
                Assert.Equal("RU", cls.Country);
                if (i % 50 == 0)
                {
                    // Read back at once through a connection of its own: completion means committed.
                    using var c = h.Platform.Store.Open();
                    Assert.Equal(1L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM clicks WHERE id = @id", new { id }));
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        await writer.DisposeAsync();

        using var read = h.Platform.Store.Open();
        Assert.Equal((long)writers * perWriter, read.ExecuteScalar<long>("SELECT COUNT(*) FROM clicks"));
        var (batches, clicks) = writer.Written;
        Assert.Equal(writers * perWriter, clicks);
        Assert.InRange(batches, 1, clicks - 1); // some batches held more than one click
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(new Click("late", "aliexpress-ww", "p1", "v", T("2026-02-01T10:00:00Z"), null, null, null)));
    }

    [Fact]
    public async Task F2_a_click_sent_twice_is_stored_once()
    {
        using var h = Harness.Sqlite().Publisher();
        await using var writer = new ClickWriter(h.Platform.Store, ClickClassifier.Default);
        var click = new Click("same", "aliexpress-ww", "p1", "v1", T("2026-02-01T10:00:00Z"), "81.2.69.142", "curl/8.5.0", null);
        var first = await writer.WriteAsync(click);
        await writer.WriteAsync(click);

        Assert.Equal(InvalidReasons.Bot, first.InvalidReason);
        using var c = h.Platform.Store.Open();
        Assert.Equal(1L, c.ExecuteScalar<long>("SELECT COUNT(*) FROM clicks WHERE id = 'same'"));
    }
}
