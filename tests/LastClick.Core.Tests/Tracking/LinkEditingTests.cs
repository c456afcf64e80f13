using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Tests.Support;
using LastClick.Tracking;

namespace LastClick.Tests.Tracking;

/// <summary>Editing links, bulk creation, the redirect's link cache and repeated clicks (F1, F2).</summary>
public sealed class LinkEditingTests : IClassFixture<PostgresAvailability>
{
    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void F1_a_publisher_changes_its_own_link_and_the_cache_serves_the_new_destination_at_once(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher().Publisher("p2");
        var links = h.Platform.Links;
        var cache = new LinkCache(links);
        var link = links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/1.html", "a", "b");
        Assert.Equal("https://www.aliexpress.com/item/1.html", cache.Get(link.Code)!.Destination);

        var changed = links.Update("p1", link.Code, new LinkChange("https://www.aliexpress.com/item/2.html", new Dictionary<int, string?> { [1] = null, [3] = "c" }));

        Assert.Equal(("https://www.aliexpress.com/item/2.html", null, "b", "c"), (changed.Destination, changed.Sub1, changed.Sub2, changed.Sub3));
        Assert.Equal(changed, cache.Get(link.Code));
        Assert.Equal(changed, links.Find(link.Code));

        // Another publisher's link does not exist for it; a hostile destination is refused; neither changes anything.
        var foreign = Assert.Throws<ProblemException>(() => links.Update("p2", link.Code, new LinkChange("https://www.aliexpress.com/item/3.html", new Dictionary<int, string?>())));
        Assert.Equal(("not_found", "code"), (foreign.Problem.Type, foreign.Problem.Field));
        var hostile = Assert.Throws<ProblemException>(() => links.Update("p1", link.Code, new LinkChange("https://www.aliexpress.com@evil.example/", new Dictionary<int, string?>())));
        Assert.Equal("destination", hostile.Problem.Field);
        var tooLong = Assert.Throws<ProblemException>(() => links.Update("p1", link.Code, new LinkChange(null, new Dictionary<int, string?> { [5] = new string('x', 256) })));
        Assert.Equal("sub5", tooLong.Problem.Field);
        Assert.Equal(changed, links.Find(link.Code));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void F1_bulk_creation_makes_every_link_or_none_and_names_the_bad_row(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        var requests = Enumerable.Range(0, 200).Select(i => new LinkRequest("aliexpress-ww", $"https://www.aliexpress.com/item/{i}.html", $"row-{i}")).ToList();

        var created = h.Platform.Links.CreateMany("p1", requests);

        Assert.Equal(200, created.Select(l => l.Code).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(("row-0", "row-199"), (created[0].Sub1, created[199].Sub1));
        requests[150] = new LinkRequest("aliexpress-ww", "javascript:alert(1)");
        var e = Assert.Throws<ProblemException>(() => h.Platform.Links.CreateMany("p1", requests));
        Assert.Equal("rows[150].destination", e.Problem.Field);
        Assert.Equal(200L, h.Platform.Store.InSession(s => s.Scalar<long>("SELECT COUNT(*) FROM links")));
        Assert.Equal(100, h.Platform.Links.ForPublisher("p1", 100, 0).Count);
        Assert.Equal(50, h.Platform.Links.ForPublisher("p1", 100, 150).Count);
    }

    [Fact]
    public async Task F2_two_nodes_on_one_postgresql_hear_each_others_link_changes_through_notify()
    {
        if (PostgresServer.ForTest() is null) return;
        using var temporary = TestStores.Create(TestStores.Postgres)!;
        var schema = temporary.Store.InSession(s => s.Scalar<string>("SELECT current_schema()"));
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer.ConnectionString) { SearchPath = schema }.ConnectionString;
        using var other = new PostgresStore(connectionString);
        var programs = ProgramCatalog.BuiltIn();
        var clock = new ManualClock(DateTimeOffset.Parse("2026-02-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        temporary.Store.Migrate(clock);
        var one = new Platform(temporary.Store, programs, clock);
        var two = new Platform(other, programs, clock);
        one.Publishers.Upsert(new Publishers.Publisher("p1", "content", null, true));
        var link = one.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/1.html");
        var cache = new LinkCache(two.Links);
        using var stop = new CancellationTokenSource();
        var errors = new List<Exception>();
        var listening = cache.ListenAsync(other, errors.Add, stop.Token);
        try
        {
            await cache.Listening.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("https://www.aliexpress.com/item/1.html", cache.Get(link.Code)!.Destination);
            one.Links.Update("p1", link.Code, new LinkChange("https://www.aliexpress.com/item/2.html", new Dictionary<int, string?>()));
            var seen = SpinWait.SpinUntil(() => cache.Get(link.Code)!.Destination == "https://www.aliexpress.com/item/2.html", TimeSpan.FromSeconds(1));
            Assert.True(seen, "node two still redirects to the old destination a second after the change");
            Assert.Empty(errors);
        }
        finally
        {
            await stop.CancelAsync();
            await listening;
        }
    }

    [Fact]
    public void F2_a_repeat_of_the_same_visitor_on_the_same_link_within_the_window_is_a_duplicate()
    {
        var repeats = new DuplicateClicks(TimeSpan.FromSeconds(30));
        var t = DateTimeOffset.Parse("2026-02-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.False(repeats.Repeat("L1", "v1", "1.2.3.4", "UA", t));
        Assert.True(repeats.Repeat("L1", "v1", "5.6.7.8", "other", t.AddSeconds(29)));
        Assert.False(repeats.Repeat("L2", "v1", "9.9.9.9", "UA", t.AddSeconds(29)));
        Assert.False(repeats.Repeat("L1", "v1", "1.2.3.4", "UA", t.AddSeconds(60)));
        // Without a cookie the visitor is its address and user agent.
        Assert.False(repeats.Repeat("L3", null, "1.2.3.4", "UA", t));
        Assert.True(repeats.Repeat("L3", null, "1.2.3.4", "UA", t.AddSeconds(1)));
        Assert.False(repeats.Repeat("L3", null, "1.2.3.4", "UA 2", t.AddSeconds(1)));
        // A browser's second click carries the cookie its first click was given (and may come from another address).
        Assert.False(repeats.Repeat("L4", null, "5.5.5.5", "UA", t, newVisitor: "fresh"));
        Assert.True(repeats.Repeat("L4", "fresh", "6.6.6.6", "UA", t.AddSeconds(2)));

        // Bounded: a flood of new visitors only ever keeps two generations; recent ones are still known.
        var bounded = new DuplicateClicks(TimeSpan.FromSeconds(30), capacity: 100);
        for (var i = 0; i < 1000; i++) bounded.Repeat("L", $"v{i}", null, null, t.AddMilliseconds(i));
        Assert.True(bounded.Repeat("L", "v999", null, null, t.AddMilliseconds(1000)));
        Assert.False(bounded.Repeat("L", "v1", null, null, t.AddMilliseconds(1001)));
        // Across a generation change a repeat within the window is still seen.
        var rolling = new DuplicateClicks(TimeSpan.FromSeconds(30));
        Assert.False(rolling.Repeat("L", "v1", null, null, t));
        Assert.False(rolling.Repeat("L", "v2", null, null, t.AddSeconds(29)));
        Assert.True(rolling.Repeat("L", "v2", null, null, t.AddSeconds(31)));
        Assert.False(rolling.Repeat("L", "v1", null, null, t.AddSeconds(31)));
    }
}
