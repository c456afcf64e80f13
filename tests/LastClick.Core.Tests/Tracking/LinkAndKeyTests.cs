using LastClick.Access;
using LastClick.Common;
using LastClick.Tests.Support;

namespace LastClick.Tests.Tracking;

public sealed class LinkAndKeyTests : IClassFixture<PostgresAvailability>
{
    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void F1_a_publisher_creates_deep_links_with_sub_ids_and_each_gets_its_own_short_code(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        var links = Enumerable.Range(0, 50).Select(i => h.Platform.Links.Create("p1", "aliexpress-ww", $"https://www.aliexpress.com/item/{i}.html", "post", null, "c")).ToList();

        Assert.Equal(50, links.Select(l => l.Code).Distinct().Count());
        Assert.All(links, l => Assert.Matches("^[2-9a-km-zA-HJ-NP-Z]{10}$", l.Code));
        var found = h.Platform.Links.Find(links[7].Code)!;
        Assert.Equal(("https://www.aliexpress.com/item/7.html", "post", null, "c"), (found.Destination, found.Sub1, found.Sub2, found.Sub3));
        Assert.Null(h.Platform.Links.Find("missing"));
    }

    [Theory]
    [InlineData("p9", "aliexpress-ww", "https://www.aliexpress.com/", "publisher: unknown publisher 'p9'")]
    [InlineData("p1", "amazon", "https://www.aliexpress.com/", "program: unknown program 'amazon' (known: aliexpress-cis, aliexpress-ww)")]
    [InlineData("p1", "aliexpress-cis", "https://www.aliexpress.com/", "destination: host 'www.aliexpress.com' is not one of the program's hosts (aliexpress.ru, *.aliexpress.ru)")]
    public void F1_a_link_to_an_unknown_publisher_program_or_foreign_host_is_refused_and_nothing_is_written(string publisher, string program, string destination, string message)
    {
        using var h = Harness.Sqlite().Publisher();
        var e = Assert.Throws<ProblemException>(() => h.Platform.Links.Create(publisher, program, destination));
        Assert.Equal(message, e.Message);
        Assert.Equal(0L, h.Platform.Store.InSession(s => s.Scalar<long>("SELECT COUNT(*) FROM links")));
    }

    [Fact]
    public void Keys_are_shown_once_stored_hashed_and_verified_by_role()
    {
        using var h = Harness.Sqlite().Publisher();
        var marketplace = h.Platform.Keys.Create(KeyRole.Marketplace);
        var publisher = h.Platform.Keys.Create(KeyRole.Publisher, "p1");

        Assert.Equal(KeyRole.Marketplace, h.Platform.Keys.Verify(marketplace)!.Role);
        Assert.Equal((KeyRole.Publisher, "p1"), h.Platform.Keys.Verify(publisher) is { } c ? (c.Role, c.PublisherId) : default);
        Assert.Null(h.Platform.Keys.Verify(marketplace[..^1] + (marketplace[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(h.Platform.Keys.Verify("lc_nothing"));
        Assert.Null(h.Platform.Keys.Verify(null));
        var stored = h.Platform.Store.InSession(s => s.Query<string>("SELECT key_hash FROM api_keys"));
        Assert.DoesNotContain(stored, hash => hash.Contains(marketplace, StringComparison.Ordinal) || marketplace.Contains(hash, StringComparison.Ordinal));
        Assert.Throws<ProblemException>(() => h.Platform.Keys.Create(KeyRole.Publisher));
        Assert.Throws<ProblemException>(() => h.Platform.Keys.Create(KeyRole.Operator, "p1"));
    }

    [Fact]
    public void A_verified_key_is_remembered_briefly_so_a_revocation_takes_effect_within_that_time()
    {
        using var h = Harness.Sqlite().Publisher();
        var key = h.Platform.Keys.Create(KeyRole.Publisher, "p1");
        Assert.NotNull(h.Platform.Keys.Verify(key));

        h.Platform.Store.InSession(s => s.Execute("UPDATE api_keys SET revoked_at = 1"));
        Assert.NotNull(h.Platform.Keys.Verify(key));
        h.Clock.Advance(ApiKeys.Remembered);
        Assert.Null(h.Platform.Keys.Verify(key));

        // A key that failed is asked about again every time: once it exists, it works at once.
        h.Platform.Store.InSession(s => s.Execute("UPDATE api_keys SET revoked_at = NULL"));
        Assert.NotNull(h.Platform.Keys.Verify(key));
    }
}
