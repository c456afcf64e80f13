using LastClick.Common;
using LastClick.Products;
using LastClick.Tests.Support;

namespace LastClick.Tests.Catalogs;

/// <summary>G5: the banned keywords, edited with an audit trail, and the checker (whole words, case and accent insensitive, any language).</summary>
public sealed class KeywordTests : IClassFixture<PostgresAvailability>
{
    [Theory]
    [InlineData("AliExpress", "aliexpress")]
    [InlineData("  Ali—Express!! ", "ali express")]
    [InlineData("Crème Brûlée", "creme brulee")]
    [InlineData("ŁÓDŹ", "lodz")]
    [InlineData("Straße", "strasse")]
    [InlineData("АлиЭкспресс", "алиэкспресс")]
    [InlineData("Ｆｕｌｌ ｗｉｄｔｈ", "full width")]
    [InlineData("ﬁne", "fine")]
    [InlineData("Ørsted Æble", "orsted aeble")]
    [InlineData("Κινητό", "κινητο")]
    public void Text_is_normalized_to_lower_case_words_without_accents(string text, string normalized) =>
        Assert.Equal(normalized, KeywordText.Normalize(text));

    [Theory]
    [InlineData("cheap aliexpress coupon", "aliexpress", true)]
    [InlineData("AliExpress", "aliexpress", true)]
    [InlineData("aliexpresss deals", "aliexpress", false)]   // a longer word is another word
    [InlineData("myaliexpress", "aliexpress", false)]
    [InlineData("ali express promo", "ali express", true)]    // a phrase: its words in order
    [InlineData("express ali", "ali express", false)]
    [InlineData("ali  -  express", "ali express", true)]      // punctuation and spacing between words do not matter
    [InlineData("aliexpress", "ali express", false)]
    [InlineData("kupon alíexpréss", "aliexpress", true)]      // accents do not matter
    [InlineData("купить алиэкспресс", "алиэкспресс", true)]  // Cyrillic
    [InlineData("", "aliexpress", false)]
    public void The_checker_matches_whole_words_and_phrases(string keyword, string banned, bool matches) =>
        Assert.Equal(matches, KeywordText.Contains(KeywordText.Normalize(keyword), KeywordText.Normalize(banned)));

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void G5_operators_edit_the_list_with_an_audit_trail_and_publishers_check_their_keywords(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        var keywords = h.Platform.Keywords;
        Assert.Equal(3, keywords.Add(["AliExpress", "Ali Express", "Алиэкспресс"], "admin@program.example"));
        // The same keyword in another spelling is already listed: named, and nothing of the request is added.
        var e = Assert.Throws<ProblemException>(() => keywords.Add(["coupon", "ALIEXPRESS"], "admin@program.example"));
        Assert.Equal("keywords[1]", e.Problem.Field);
        Assert.Equal(3, keywords.All().Count);

        var checks = keywords.Check(["buy on aliexpress", "", "ali-express sale", "aliexpressions", "алиэкспресс купон", "shoes"]);
        Assert.Equal(["buy on aliexpress", "ali-express sale", "aliexpressions", "алиэкспресс купон", "shoes"], checks.Select(c => c.Keyword));
        Assert.Equal([["AliExpress"], ["Ali Express"], [], ["Алиэкспресс"], []], checks.Select(c => c.Banned.ToArray()));

        Assert.True(keywords.Remove("Ali Express", "moderator@program.example"));
        Assert.False(keywords.Remove("Ali Express", "moderator@program.example"));
        Assert.True(keywords.Check(["ali-express sale"])[0].Allowed);

        var audit = h.Platform.Store.Read(s => LastClick.Data.AuditLog.Recent(s, 10, "banned_keywords"));
        Assert.Equal([("banned_keywords.removed", "moderator@program.example", "Ali Express"), ("banned_keywords.added", "admin@program.example", "AliExpress, Ali Express, Алиэкспресс")],
            audit.Select(a => (a.Action, a.Actor, a.Detail)));
    }

    [Fact]
    public void A_keyword_without_letters_is_refused_by_name()
    {
        using var h = Harness.Sqlite();
        Assert.Equal("keywords[0]", Assert.Throws<ProblemException>(() => h.Platform.Keywords.Add(["—!"], "a")).Problem.Field);
    }

    [Fact]
    public void G6_the_non_paying_stores_are_the_programs_list_and_an_edit_is_a_new_version_the_rules_read()
    {
        using var h = Harness.Sqlite();
        h.Publisher("p1");
        h.Clock.Set(Build.T("2026-02-01T08:00:00Z"));
        var changed = NonPayingStores.Set(h.Platform.ProgramEditor, "aliexpress-ww", ["Bad Store", "Worse Store", "bad store"], "from the marketplace", "admin@program.example",
            h.Clock.GetUtcNow());
        Assert.Contains(changed, c => c.StartsWith("nonPayingStores", StringComparison.Ordinal));
        var program = h.Platform.Programs.Get("aliexpress-ww");
        Assert.Equal(["Bad Store", "Worse Store"], NonPayingStores.Current(program, h.Clock.GetUtcNow())!.Items.Order(StringComparer.Ordinal));
        // The rules read the same list: an order from that store pays nothing, with the reason.
        h.Click("c1", "v1", "2026-02-01T09:00:00Z");
        var order = h.Order("o1", "2026-02-01T09:00:00Z", "USD", "DE", "v1", "aliexpress-ww", Build.Line(store: "Bad Store"));
        Assert.Equal("non_paying_store", order.Lines[0].Reason);
        // A second change the same day replaces the first rather than stacking a version dated the same day.
        NonPayingStores.Set(h.Platform.ProgramEditor, "aliexpress-ww", ["Worse Store"], null, "admin@program.example", h.Clock.GetUtcNow());
        Assert.Equal(["Worse Store"], NonPayingStores.Current(h.Platform.Programs.Get("aliexpress-ww"), h.Clock.GetUtcNow())!.Items);
        Assert.Equal(2, h.Platform.ProgramEditor.History("aliexpress-ww").Count);
        Assert.Equal("stores[0]", Assert.Throws<ProblemException>(() =>
            NonPayingStores.Set(h.Platform.ProgramEditor, "aliexpress-ww", [" "], null, "a", h.Clock.GetUtcNow())).Problem.Field);
    }
}
