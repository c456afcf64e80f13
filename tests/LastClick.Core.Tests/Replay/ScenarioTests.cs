using LastClick.Common;
using LastClick.Programs;
using LastClick.Replay;
using LastClick.Tests.Support;

namespace LastClick.Tests.Replay;

public sealed class ScenarioTests : IClassFixture<PostgresAvailability>
{
    public static TheoryData<string, string> Examples
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var file in Directory.GetFiles(Path.Combine(Build.RepoRoot, "examples"), "*.json").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(file), TestStores.Sqlite);
                data.Add(Path.GetFileName(file), TestStores.Postgres);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_replays_to_its_expected_outcome_on_both_stores(string example, string provider)
    {
        using var store = TestStores.Create(provider);
        if (store is null) return;
        var path = Path.Combine(Build.RepoRoot, "examples", example);
        var scenario = Scenario.Parse(File.ReadAllText(path), ProgramCatalog.BuiltIn(), Path.GetDirectoryName(path));

        var output = ScenarioRunner.Run(scenario, store.Store);

        Assert.Equal(File.ReadAllText(Path.Combine(Build.RepoRoot, "examples", "expected", example)), output);
        // The replay sums its rollups from the stored facts at its end: they equal the facts' own sums.
        var expected = DirectAggregation.Of(store.Store);
        foreach (var (cube, i) in LastClick.Reports.Cubes.All.Select((c, i) => (c, i))) Assert.Equal(expected[i], DirectAggregation.Table(store.Store, cube));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Rollups_summed_at_the_end_equal_rollups_kept_step_by_step(string example, string provider)
    {
        using var atEnd = TestStores.Create(provider);
        using var stepByStep = TestStores.Create(provider);
        if (atEnd is null || stepByStep is null) return;
        var path = Path.Combine(Build.RepoRoot, "examples", example);
        var scenario = Scenario.Parse(File.ReadAllText(path), ProgramCatalog.BuiltIn(), Path.GetDirectoryName(path));

        var summed = ScenarioRunner.Run(scenario, atEnd.Store, null, rollupsAtEnd: true);
        var kept = ScenarioRunner.Run(scenario, stepByStep.Store, null, rollupsAtEnd: false);

        Assert.Equal(kept, summed);
        foreach (var cube in LastClick.Reports.Cubes.All) Assert.Equal(DirectAggregation.Table(stepByStep.Store, cube), DirectAggregation.Table(atEnd.Store, cube));
        foreach (var (table, measures) in new[] { ("quality_m", LastClick.Reports.QualityRollup.Columns), ("quality_lag_m", ["orders"]), ("publisher_turnover", ["sales_minor"]) })
        {
            Assert.Equal(Rows(stepByStep.Store, table, measures), Rows(atEnd.Store, table, measures));
        }
        using var c = atEnd.Store.Open();
        // Not two empty tables agreeing: a credited order has quality rows.
        if (Dapper.SqlMapper.ExecuteScalar<long>(c, "SELECT COUNT(*) FROM orders WHERE publisher_id IS NOT NULL") > 0)
        {
            Assert.NotEmpty(Rows(atEnd.Store, "quality_m", LastClick.Reports.QualityRollup.Columns));
        }
    }

    [Theory]
    [InlineData(TestStores.Sqlite)]
    [InlineData(TestStores.Postgres)]
    public void Quality_summed_at_the_end_finds_each_orders_lines_whatever_order_the_store_sorts_ids_in(string provider)
    {
        // The store sorts ids by its collation (SQLite: UTF-8 bytes, PostgreSQL: the database's), not as .NET compares
        // strings: U+E000 sorts before U+1F600 in UTF-8 and after it in UTF-16. The order without a publisher ("\ue000")
        // has its lines among those read for the credited one, and the credited order must still get its own.
        using var atEnd = TestStores.Create(provider);
        using var stepByStep = TestStores.Create(provider);
        if (atEnd is null || stepByStep is null) return;
        const string json = """
            {
              "program": "aliexpress-ww",
              "publishers": [ { "id": "p1" } ],
              "clicks": [ { "id": "c1", "publisher": "p1", "visitor": "v1", "at": "2026-02-01T10:00:00Z", "ip": "81.2.69.142" } ],
              "orders": [
                { "id": "\ue000", "visitor": "nobody", "at": "2026-02-01T11:00:00Z", "currency": "USD", "deliveryCountry": "DE",
                  "lines": [ { "id": "x1", "productId": "9", "category": "Toys", "price": "7.00", "quantity": 1 } ] },
                { "id": "\ud83d\ude00", "visitor": "v1", "at": "2026-02-01T11:00:00Z", "currency": "USD", "deliveryCountry": "DE",
                  "lines": [ { "id": "l1", "productId": "1", "category": "Toys", "price": "10.00", "quantity": 1 },
                             { "id": "l2", "productId": "2", "category": "Books", "price": "5.00", "quantity": 1 } ] } ],
              "events": [ { "id": "e1", "order": "\ud83d\ude00", "type": "paid", "at": "2026-02-01T11:01:00Z" } ]
            }
            """;
        var scenario = Scenario.Parse(json, ProgramCatalog.BuiltIn());
        Assert.Equal(["\ue000", "\ud83d\ude00"], scenario.Orders.Select(o => o.Id));

        Assert.Equal(ScenarioRunner.Run(scenario, stepByStep.Store, null, rollupsAtEnd: false), ScenarioRunner.Run(scenario, atEnd.Store, null, rollupsAtEnd: true));

        var kept = Rows(stepByStep.Store, "quality_m", LastClick.Reports.QualityRollup.Columns);
        Assert.NotEmpty(kept);
        Assert.Equal(kept, Rows(atEnd.Store, "quality_m", LastClick.Reports.QualityRollup.Columns));
    }

    [Fact]
    public void A_replay_into_a_store_with_facts_keeps_its_rollups_step_by_step_and_sums_none_again()
    {
        // Summing at the end recomputes every rollup from the stored facts: on a store with a history it would lose the
        // rollups of raw clicks that retention dropped. Such a row stands in here as one no fact explains.
        using var store = TestStores.Create(TestStores.Sqlite)!;
        var path = Path.Combine(Build.RepoRoot, "examples", "last-paid-click.json");
        var scenario = Scenario.Parse(File.ReadAllText(path), ProgramCatalog.BuiltIn(), Path.GetDirectoryName(path));
        var first = ScenarioRunner.Run(scenario, store.Store);
        using (var c = store.Store.Open())
        {
            Dapper.SqlMapper.Execute(c, "INSERT INTO rollup_program_d (bucket, program_id, currency, clicks, unique_clicks, invalid_clicks, orders, orders_approved, " +
                "orders_declined, sales_minor, commission_pending_minor, commission_confirmed_minor, commission_payable_minor, commission_paid_minor, " +
                "commission_declined_minor) VALUES (1, 'kept', '', 5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)");
        }

        Assert.Equal(first, ScenarioRunner.Run(scenario, store.Store));

        using var read = store.Store.Open();
        Assert.Equal(5L, Dapper.SqlMapper.ExecuteScalar<long>(read, "SELECT clicks FROM rollup_program_d WHERE program_id = 'kept'"));
    }

    /// <summary>A table's rows as text, in order, without the rows whose <paramref name="measures"/> are all zero (a change undone leaves one).</summary>
    private static List<string> Rows(LastClick.Data.Store store, string table, IReadOnlyList<string> measures)
    {
        using var c = store.Open();
        using var reader = Dapper.SqlMapper.ExecuteReader(c, $"SELECT * FROM {table}");
        var rows = new List<string>();
        while (reader.Read())
        {
            var values = Enumerable.Range(0, reader.FieldCount).Select(i => (Name: reader.GetName(i), Value: Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))).ToList();
            if (values.Where(v => measures.Contains(v.Name)).All(v => v.Value == "0")) continue;
            rows.Add(string.Join('|', values.Select(v => v.Value)));
        }
        return [.. rows.Order(StringComparer.Ordinal)];
    }

    [Theory]
    [InlineData(TestStores.Sqlite)]
    [InlineData(TestStores.Postgres)]
    public void The_outcome_lists_orders_as_the_scenario_does_across_the_thousand_order_reads(string provider)
    {
        // The outcome is read a thousand orders at a time, in the scenario's order: here the orders are listed newest
        // first (the store keeps them oldest first), one is sent twice, and they span two reads.
        using var store = TestStores.Create(provider);
        if (store is null) return;
        const int count = 1_203;
        var start = DateTimeOffset.Parse("2026-02-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        string At(int i, int minutes) => Times.Format(start.AddMinutes(10 * i + minutes));
        var clicks = Enumerable.Range(0, count).Select(i => $$"""{ "id": "c{{i}}", "publisher": "p1", "visitor": "v{{i}}", "at": "{{At(i, 0)}}", "ip": "81.2.69.142" }""");
        var orders = Enumerable.Range(0, count).Reverse().Append(count / 2).Select(i => $$"""
            { "id": "o{{i}}", "visitor": "v{{i}}", "at": "{{At(i, 1)}}", "currency": "USD", "deliveryCountry": "DE",
              "lines": [ {{string.Join(", ", Enumerable.Range(0, 1 + i % 3).Select(l => $$"""{ "id": "o{{i}}-l{{l}}", "productId": "{{l}}", "category": "Toys", "price": "{{10 + i % 7}}.00", "quantity": 1 }"""))}} ] }
            """);
        var json = $$"""{ "program": "aliexpress-ww", "publishers": [ { "id": "p1" } ], "clicks": [ {{string.Join(", ", clicks)}} ], "orders": [ {{string.Join(", ", orders)}} ] }""";
        var scenario = Scenario.Parse(json, ProgramCatalog.BuiltIn());

        using var outcome = System.Text.Json.JsonDocument.Parse(ScenarioRunner.Run(scenario, store.Store));

        var listed = outcome.RootElement.GetProperty("orders").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, count).Reverse().Select(i => $"o{i}"), listed.Select(o => o.GetProperty("id").GetString()));
        Assert.All(listed, o =>
        {
            var id = o.GetProperty("id").GetString()!;
            var i = int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal($"c{i}", o.GetProperty("click").GetString());
            Assert.Equal(Enumerable.Range(0, 1 + i % 3).Select(l => $"{id}-l{l}"), o.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        });
    }

    [Fact]
    public void Every_example_is_commented_and_has_an_expected_outcome()
    {
        var examples = Directory.GetFiles(Path.Combine(Build.RepoRoot, "examples"), "*.json");
        Assert.True(examples.Length >= 12, $"{examples.Length} examples");
        Assert.All(examples, e => Assert.StartsWith("//", File.ReadAllText(e), StringComparison.Ordinal));
        Assert.All(examples, e => Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(e)!, "expected", Path.GetFileName(e))), e));
    }

    private const string Minimal = """
        {
          "program": "aliexpress-ww",
          "publishers": [ { "id": "p1" } ],
          "clicks": [ { "id": "c1", "publisher": "p1", "visitor": "v1", "at": "2026-02-01T10:00:00Z", "ip": "81.2.69.142" } ],
          "orders": [ { "id": "o1", "visitor": "v1", "at": "2026-02-01T11:00:00Z", "currency": "USD", "deliveryCountry": "DE",
                        "lines": [ { "id": "l1", "productId": "1", "category": "Toys", "price": "10.00", "quantity": 1 },
                                   { "id": "l2", "productId": "2", "category": "Toys", "price": "5.00", "quantity": 1 } ] } ],
          "events": [ { "id": "e1", "order": "o1", "type": "paid", "at": "2026-02-01T11:01:00Z" } ]
        }
        """;

    [Theory]
    [InlineData("\"price\": \"5.00\"", "\"price\": \"five\"", "orders[0].lines[1].price: not a decimal")]
    [InlineData("\"price\": \"5.00\"", "\"price\": \"-5.00\"", "orders[0].lines[1].price: must not be negative")]
    [InlineData("\"price\": \"5.00\"", "\"price\": \"5.001\"", "orders[0].lines[1].price: has more than 2 decimals for USD")]
    [InlineData("\"price\": \"5.00\", \"quantity\": 1", "\"price\": \"5.00\", \"quantity\": 0", "orders[0].lines[1].quantity: must be 1 to 100000")]
    [InlineData("\"currency\": \"USD\"", "\"currency\": \"XXX\"", "orders[0].currency: unknown currency 'XXX'")]
    [InlineData("\"currency\": \"USD\"", "\"currency\": \"JPY\"", "orders[0].currency: aliexpress-ww has no internal rate for JPY")]
    [InlineData("\"program\": \"aliexpress-ww\"", "\"program\": \"amazon\"", "program: unknown program 'amazon' (known: aliexpress-cis, aliexpress-ww)")]
    [InlineData("\"order\": \"o1\"", "\"order\": \"o9\"", "events[0].order: unknown order 'o9'")]
    [InlineData("\"type\": \"paid\"", "\"type\": \"shipped\"", "events[0].type: must be paid, goods_received, auto_confirmed, cancelled, refunded or fraud")]
    [InlineData("\"publisher\": \"p1\"", "\"publisher\": \"p2\"", "clicks[0].publisher: unknown publisher 'p2'")]
    [InlineData("\"ip\": \"81.2.69.142\"", "\"ip\": \"81.2.69\"", "clicks[0].ip: not an IPv4 or IPv6 address")]
    [InlineData("\"at\": \"2026-02-01T10:00:00Z\"", "\"at\": \"yesterday\"", "clicks[0].at: not an ISO 8601 time with a zone (2026-02-01T10:00:00Z) or a date (2026-02-01)")]
    [InlineData("\"deliveryCountry\": \"DE\"", "\"deliveryCountry\": \"Germany\"", "orders[0].deliveryCountry: must be an ISO 3166 alpha-2 country code (DE)")]
    [InlineData("\"lines\": [", "\"lines\": [], \"x\": [", "orders[0].x: is not a known field")]
    [InlineData("\"program\": \"aliexpress-ww\",", "\"program\": \"aliexpress-ww\", \"now\": \"2026-02-01T11:00:00Z\",", "now: is before the story's last item (2026-02-01T11:01:00Z)")]
    public void Malformed_scenarios_fail_with_one_message_naming_the_field(string find, string replace, string message)
    {
        Assert.Contains(find, Minimal, StringComparison.Ordinal);
        var json = Minimal.Replace(find, replace, StringComparison.Ordinal);
        var e = Assert.Throws<ProblemException>(() => Scenario.Parse(json, ProgramCatalog.BuiltIn()));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_repeated_event_with_different_contents_is_refused_before_anything_runs()
    {
        var json = Minimal.Replace("""{ "id": "e1", "order": "o1", "type": "paid", "at": "2026-02-01T11:01:00Z" }""",
            """{ "id": "e1", "order": "o1", "type": "paid", "at": "2026-02-01T11:01:00Z" }, { "id": "e1", "order": "o1", "type": "cancelled", "at": "2026-02-01T11:01:00Z" }""",
            StringComparison.Ordinal);
        var e = Assert.Throws<ProblemException>(() => Scenario.Parse(json, ProgramCatalog.BuiltIn()));
        Assert.Equal("events[1].id: 'e1' was sent before with different contents", e.Message);
    }
}
