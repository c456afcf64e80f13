using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Tests.Support;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Onboarding;

/// <summary>E5 (the Affiliate Ranking) and operator edits of a program's definition (issue 4).</summary>
public sealed class RankingAndProgramEditTests : IClassFixture<PostgresAvailability>
{
    [Fact]
    public void E5_quality_is_the_approval_rate_less_twice_the_fraud_share()
    {
        Assert.Equal(1m, Ranking.Quality(0, 0, 0, 0));
        Assert.Equal(0.75m, Ranking.Quality(3, 1, 0, 4));
        Assert.Equal(0.25m, Ranking.Quality(3, 1, 1, 4));
        Assert.Equal(0m, Ranking.Quality(1, 3, 3, 4));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void E5_publishers_are_ranked_by_confirmed_commission_times_quality_and_the_ranking_is_stored(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        // p1: one confirmed order of 100 (7.20 USD). p2: one confirmed order of 300 (21.60) and one refunded (declined).
        h.Publisher("p1").Publisher("p2").Publisher("p3");
        h.Click("c1", "v1", publisher: "p1");
        h.Click("c2", "v2", publisher: "p2");
        h.Click("c3", "v3", publisher: "p2");
        h.Order("o1", visitor: "v1", lines: Line(price: 100m));
        h.Order("o2", visitor: "v2", lines: Line(price: 300m));
        h.Order("o3", visitor: "v3", lines: Line(price: 50m));
        foreach (var o in new[] { "o1", "o2", "o3" }) h.Event($"{o}-paid", "paid", "2026-02-02T10:00:00Z", o);
        h.Event("o1-received", "goods_received", "2026-02-05T10:00:00Z", "o1");
        h.Event("o2-received", "goods_received", "2026-02-05T10:00:00Z", "o2");
        h.Event("o3-cancel", "cancelled", "2026-02-03T10:00:00Z", "o3");
        var now = DateTimeOffset.Parse("2026-03-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        var rows = h.Platform.Store.Read(s => Ranking.Compute(s, h.Platform.Programs, now - Ranking.DefaultPeriod, now));

        // p2: 21.60 × (1 approved of 2 decided = 0.5) = 10.80 beats p1: 7.20 × 1; p3 earned nothing and is not ranked.
        Assert.Equal([("p2", 1, 21.60m, 10.80m), ("p1", 2, 7.20m, 7.20m)], rows.Select(r => (r.PublisherId, r.Rank, r.ConfirmedUsd, r.Score)).ToList());
        Ranking.Recompute(h.Platform.Store, h.Platform.Programs, now, Ranking.DefaultPeriod, "admin@example");
        Assert.Equal((1, 2, (int?)null), (h.Platform.Publishers.Find("p2")!.Ranking, h.Platform.Publishers.Find("p1")!.Ranking, h.Platform.Publishers.Find("p3")!.Ranking));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void An_edited_rate_is_checked_versioned_audited_and_in_force_for_the_next_order_only(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher();
        h.Click("c1", "v1");
        h.Click("c2", "v2");
        var before = h.Order("o1", visitor: "v1", lines: Line(price: 100m, category: "Mobile phone accessories"));
        var (json, version) = h.Platform.ProgramEditor.Current("aliexpress-ww");
        Assert.Equal(0, version);

        var broken = json.Replace("\"cookieWindowDays\": 3", "\"cookieWindowDays\": 0", StringComparison.Ordinal);
        Assert.NotEqual(json, broken);
        Assert.Equal("cookieWindowDays", Assert.Throws<ProblemException>(() => h.Platform.ProgramEditor.Save("aliexpress-ww", broken, 0, "admin")).Problem.Field);
        Assert.Equal("definition", Assert.Throws<ProblemException>(() => h.Platform.ProgramEditor.Save("aliexpress-ww", json, 0, "admin")).Problem.Field);

        var edited = json.Replace("\"Mobile phone accessories\": \"0.056\"", "\"Mobile phone accessories\": \"0.09\"", StringComparison.Ordinal);
        Assert.NotEqual(json, edited);
        var changed = h.Platform.ProgramEditor.Save("aliexpress-ww", edited, 0, "admin@example");

        Assert.Equal(["categoryRates.Mobile phone accessories"], changed);
        Assert.Equal(0.09m, h.Platform.Programs.Get("aliexpress-ww").CategoryRates["Mobile phone accessories"]);
        var after = h.Order("o2", visitor: "v2", lines: Line(price: 100m, category: "Mobile phone accessories"));
        Assert.Equal(("5.60", "9.00"), (before.Commission, after.Commission));
        Assert.Equal("5.60", h.Find("o1").Commission);
        Assert.Equal((1, "admin@example"), (h.Platform.ProgramEditor.History("aliexpress-ww").Single().Version, h.Platform.ProgramEditor.History("aliexpress-ww").Single().ChangedBy));
        Assert.Contains(h.Platform.Store.Read(s => AuditLog.Recent(s, 5, "program:aliexpress-ww")), e => e.Detail.Contains("categoryRates.Mobile phone accessories", StringComparison.Ordinal));
        // An edit made on the old version is a conflict, not a lost update.
        Assert.Equal("conflict", Assert.Throws<ProblemException>(() => h.Platform.ProgramEditor.Save("aliexpress-ww", json, 0, "other admin")).Problem.Type);

        // A node starting later (a new catalog on the same store) loads the edited version.
        var fresh = ProgramCatalog.BuiltIn();
        new ProgramEditor(h.Platform.Store, fresh, h.Clock).Load();
        Assert.Equal(0.09m, fresh.Get("aliexpress-ww").CategoryRates["Mobile phone accessories"]);
    }

    [Fact]
    public void A_fixed_field_is_refused_however_many_other_values_change_and_a_property_named_twice_is_a_problem()
    {
        using var h = Harness.Sqlite();
        var (json, _) = h.Platform.ProgramEditor.Current("aliexpress-ww");
        // Sixty categories added (sixty paths, more than the fifty an audit entry lists), and the hold period after them.
        var many = json.Replace("\"categoryRates\": {", "\"categoryRates\": {" + string.Concat(Enumerable.Range(1, 60).Select(i => $"\"New category {i}\": \"0.05\", ")), StringComparison.Ordinal);
        Assert.True(ProgramEditor.Changes(json, many).Count > 50);
        var hold = many.Replace("\"holdDays\": 0", "\"holdDays\": 30", StringComparison.Ordinal);
        Assert.NotEqual(many, hold);

        Assert.Equal("holdDays", Assert.Throws<ProblemException>(() => h.Platform.ProgramEditor.Save("aliexpress-ww", hold, 0, "admin")).Problem.Field);
        Assert.Equal("cookieWindowDays", Assert.Throws<ProblemException>(() => h.Platform.ProgramEditor.Save("aliexpress-ww",
            json.Replace("\"cookieWindowDays\": 3,", "\"cookieWindowDays\": 3, \"cookieWindowDays\": 4,", StringComparison.Ordinal), 0, "admin")).Problem.Field);
        Assert.Equal(0, h.Platform.Programs.Get("aliexpress-ww").HoldDays);
        Assert.Empty(h.Platform.ProgramEditor.History("aliexpress-ww"));
    }

    [Fact]
    public void A_deployed_file_changing_a_fixed_field_wins_over_the_stored_version_and_keeps_its_edits()
    {
        using var h = Harness.Sqlite();
        var (json, _) = h.Platform.ProgramEditor.Current("aliexpress-ww");
        // A version edited by an admin when the file still allowed only aliexpress.com.
        var older = json.Replace("\"allowedHosts\": [\"aliexpress.com\", \"*.aliexpress.com\"]", "\"allowedHosts\": [\"aliexpress.com\"]", StringComparison.Ordinal)
            .Replace("\"cookieWindowDays\": 3", "\"cookieWindowDays\": 5", StringComparison.Ordinal);
        Assert.NotEqual(json, older);
        h.Platform.Store.InSession(s => s.Execute("INSERT INTO program_versions (program_id, version, definition, changed_by, changed_at) VALUES ('aliexpress-ww', 1, @older, 'admin', 0)", new { older }));

        h.Platform.ProgramEditor.Deployed();
        h.Platform.ProgramEditor.Load();

        var program = h.Platform.Programs.Get("aliexpress-ww");
        Assert.Equal(("aliexpress.com,*.aliexpress.com", 5), (string.Join(",", program.AllowedHosts), program.CookieWindowDays));
        Assert.Equal("deploy", h.Platform.ProgramEditor.History("aliexpress-ww")[0].ChangedBy);
        h.Platform.ProgramEditor.Deployed(); // nothing more to carry over
        Assert.Equal(2, h.Platform.ProgramEditor.History("aliexpress-ww").Count);
    }

    [Fact]
    public void E5_the_daily_ranking_runs_once_a_day()
    {
        using var h = Harness.Sqlite();
        var now = h.Clock.GetUtcNow();
        Assert.True(Ranking.RecomputeIfDue(h.Platform.Store, h.Platform.Programs, now, TimeSpan.FromDays(1)));
        Assert.False(Ranking.RecomputeIfDue(h.Platform.Store, h.Platform.Programs, now.AddHours(23), TimeSpan.FromDays(1)));
        Assert.True(Ranking.RecomputeIfDue(h.Platform.Store, h.Platform.Programs, now.AddHours(25), TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Changes_names_added_removed_and_changed_paths()
    {
        Assert.Equal(["a.b", "+a.d", "-c", "e[1]", "f"],
            ProgramEditor.Changes("""{"a":{"b":1,"x":2},"c":3,"e":[1,2],"f":[1]}""", """{"a":{"b":2,"x":2,"d":4},"e":[1,3],"f":[1,2]}"""));
    }
}
