using System.Net;
using System.Text;
using System.Text.Json;
using LastClick.Data;
using LastClick.Replay;
using LastClick.Server;
using LastClick.Tests.Support;

namespace LastClick.Tests.Server;

/// <summary>
/// The fuzzing run's reproducers (issue 16), each cause once, on both stores: no answer is a 500, every rejection is a
/// problem naming the field, and not one row changes.
/// </summary>
public sealed class ApiFuzzCorpusTests : IClassFixture<PostgresAvailability>
{
    public sealed record Reproducer(string Name, string Method, string Path, string Key, string? Body, string Field);

    /// <summary>A valid order with one field replaced (JSON text spliced in as is).</summary>
    private static string Order(string id = "fuzz-1", string at = "\"{now}\"", string price = "\"10.00\"", string quantity = "1", string extraLine = "",
        string currency = "\"EUR\"", string first = "") =>
        $$"""{{{first}}"id":"{{id}}","visitor":"v-fuzz","at":{{at}},"currency":{{currency}},"deliveryCountry":"DE","lines":[{"id":"l1","productId":"p1","category":"Garden supplies","price":{{price}},"quantity":{{quantity}}}{{extraLine}}]}""";

    /// <summary>The corpus: the fuzzing run's eight causes and the inputs it found accepted though wrong.</summary>
    public static IEnumerable<Reproducer> Corpus()
    {
        // A lone UTF-16 surrogate, in a value and in a name, on each JSON write endpoint.
        yield return new("lone surrogate in an order id", "POST", "/api/v1/marketplace/orders", "marketplace", Order(id: "\\ud800"), "id");
        yield return new("lone surrogate in a field name", "POST", "/api/v1/marketplace/orders", "marketplace", Order(first: "\"\\udc00x\":1,"), "\\udc00x");
        yield return new("lone surrogate in an event", "POST", "/api/v1/marketplace/events", "marketplace",
            """{"id":"e\ud800","order":"x","type":"paid","at":"2026-01-01"}""", "id");
        yield return new("lone surrogate in a touch", "POST", "/api/v1/marketplace/touches", "marketplace",
            """{"id":"t1","visitor":"\udfff","at":"2026-01-01"}""", "visitor");
        yield return new("lone surrogate in a link", "POST", "/api/v1/links", "publisher",
            """{"program":"aliexpress-ww","destination":"https://www.aliexpress.com/","sub1":"a\ud800b"}""", "sub1");
        yield return new("lone surrogate in a claim", "POST", "/api/v1/claims", "publisher",
            """{"program":"aliexpress-ww","orderId":"\ud801","orderDate":"2026-01-01","amount":"1","currency":"EUR","comment":"x"}""", "orderId");
        yield return new("lone surrogate in a keyword check", "POST", "/api/v1/banned_keywords/check", "publisher", """{"keywords":["ok","\ud800"]}""", "keywords[1]");
        yield return new("lone surrogate in a publisher edit", "PUT", "/api/v1/operator/publishers/demo-publisher", "operator", """{"trafficType":"\ud800"}""", "trafficType");
        yield return new("lone surrogate in a postback", "PUT", "/api/v1/postbacks", "publisher", """{"url":"http://127.0.0.1/\ud800"}""", "url");
        yield return new("lone surrogate in payout details", "PUT", "/api/v1/payout_details", "publisher",
            """{"method":"sepa","holder":"\ud800","iban":"DE89370400440532013000","currency":"EUR"}""", "holder");
        yield return new("lone surrogate in an adjustment", "POST", "/api/v1/operator/publishers/demo-publisher/adjustments", "operator",
            """{"program":"aliexpress-ww","amount":"1","currency":"USD","reason":"bonus","note":"\ud800"}""", "note");

        // Amounts and quantities past what minor units and the sums over them hold.
        yield return new("price past a long of cents", "POST", "/api/v1/marketplace/orders", "marketplace", Order(price: "\"92233720368547758.08\""), "lines[0].price");
        yield return new("price as a huge number", "POST", "/api/v1/marketplace/orders", "marketplace", Order(price: "92233720368547758.08"), "lines[0].price");
        yield return new("quantity int.MaxValue", "POST", "/api/v1/marketplace/orders", "marketplace", Order(quantity: "2147483647"), "lines[0].quantity");
        yield return new("decimal past 28 digits", "POST", "/api/v1/marketplace/orders", "marketplace", Order(price: "\"1.00000000000000000000000000001\""), "lines[0].price");
        yield return new("decimal past decimal's range", "POST", "/api/v1/marketplace/orders", "marketplace", Order(price: "1e40"), "lines[0].price");
        yield return new("an order over the maximum value", "POST", "/api/v1/marketplace/orders", "marketplace", Order(price: "\"50000000000000000\""), "lines[0].price");
        yield return new("a negative price", "POST", "/api/v1/marketplace/orders", "marketplace", Order(price: "\"-1\""), "lines[0].price");
        yield return new("a line total over the maximum", "POST", "/api/v1/marketplace/orders", "marketplace", Order(price: "\"900000000\"", quantity: "1000"), "lines[0].quantity");
        yield return new("a claim of 1e17", "POST", "/api/v1/claims", "publisher",
            """{"program":"aliexpress-ww","orderId":"o-claim","orderDate":"{today}","amount":1e17,"currency":"USD","comment":"x"}""", "amount");
        yield return new("an event amount of 1e17", "POST", "/api/v1/marketplace/events", "marketplace",
            """{"id":"e-big","order":"{order}","type":"refunded","at":"{now}","amount":"100000000000000000"}""", "amount");
        yield return new("an adjustment of 1e17", "POST", "/api/v1/operator/publishers/demo-publisher/adjustments", "operator",
            """{"program":"aliexpress-ww","amount":"100000000000000000","currency":"USD","reason":"bonus"}""", "amount");

        // Dates far from now.
        yield return new("an order in year 1", "POST", "/api/v1/marketplace/orders", "marketplace", Order(at: "\"0001-01-01T00:00:00Z\""), "at");
        yield return new("an order years ahead", "POST", "/api/v1/marketplace/orders", "marketplace", Order(at: "\"2099-01-01T00:00:00Z\""), "at");
        yield return new("an event years ahead", "POST", "/api/v1/marketplace/events", "marketplace",
            """{"id":"e-future","order":"{order}","type":"paid","at":"2099-01-01T00:00:00Z"}""", "at");
        yield return new("an event in year 1", "POST", "/api/v1/marketplace/events", "marketplace",
            """{"id":"e-past","order":"{order}","type":"paid","at":"0001-01-01T00:00:00Z"}""", "at");
        yield return new("a touch in year 1", "POST", "/api/v1/marketplace/touches", "marketplace",
            """{"id":"t-past","visitor":"v","at":"0001-01-01T00:00:00Z"}""", "at");
        yield return new("a payout run years ahead", "POST", "/api/v1/operator/payouts", "operator", """{"program":"aliexpress-ww","at":"2099-01-01T00:00:00Z"}""", "at");

        // A refund larger than what is left of its line.
        yield return new("a refund larger than its line", "POST", "/api/v1/marketplace/events", "marketplace",
            """{"id":"e-refund","order":"{order}","type":"refunded","at":"{now}","line":"{line}","amount":"1000000"}""", "amount");

        // Duplicate keys: the last would silently win.
        yield return new("a duplicate key", "POST", "/api/v1/marketplace/orders", "marketplace", Order(first: "\"id\":\"other\","), "id");
        yield return new("a duplicate key in a line", "POST", "/api/v1/marketplace/orders", "marketplace", Order(price: "\"1\",\"price\":\"2\""), "lines[0].price");
        yield return new("a duplicate key in a link", "POST", "/api/v1/links", "publisher",
            """{"program":"aliexpress-ww","destination":"https://www.aliexpress.com/","destination":"https://evil.example/"}""", "destination");

        // Too many lines in one order.
        yield return new("an order of 50,000 lines", "POST", "/api/v1/marketplace/orders", "marketplace",
            Order(extraLine: string.Concat(Enumerable.Range(2, 49_999).Select(i => $$""",{"id":"l{{i}}","productId":"p","category":"c","price":"1","quantity":1}"""))), "lines");

        // Report parameters.
        yield return new("a report in a time zone's name as currency", "GET", "/api/v1/reports/day?currency=UTC", "publisher", null, "currency");
        yield return new("a report in BTC", "GET", "/api/v1/reports/day?currency=BTC", "publisher", null, "currency");
        yield return new("a report to the year 9999", "GET", "/api/v1/reports/day?date_end=9999-12-31", "publisher", null, "date_end");
        yield return new("a report from the year 1", "GET", "/api/v1/reports/day?date_start=0001-01-01", "publisher", null, "date_start");
        yield return new("an operator report to the year 9999", "GET", "/api/v1/operator/reports/month?date_end=9999-12-31", "operator", null, "date_end");
        yield return new("commissions to the year 9999", "GET", "/api/v1/commissions?date_end=9999-12-31", "publisher", null, "date_end");
        yield return new("a limit past int", "GET", "/api/v1/links?limit=99999999999", "publisher", null, "limit");

        // NUL characters: PostgreSQL's text cannot hold one (found by the property test: a 500 there).
        yield return new("a NUL in a touch's visitor", "POST", "/api/v1/marketplace/touches", "marketplace",
            """{"id":"t-nul","visitor":"a\u0000b","at":"2026-01-01"}""", "visitor");
        yield return new("a NUL in a report filter", "GET", "/api/v1/reports/day?subid1=a%00b", "publisher", null, "subid1");
        // (A %00 in the path is refused by Kestrel itself with a bare 400, before any of ours.)
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task I1_every_reproducer_is_a_400_naming_its_field_and_changes_nothing(string provider)
    {
        var store = WebHost.Store(provider);
        if (store is null) return;
        await using var host = await WebHost.StartAsync(store);
        await host.StopBackgroundAsync(); // the row counts compared are the requests' own
        var demo = Demo.Seed(host.Platform, host.Passwords);
        var keys = new Dictionary<string, string> { ["marketplace"] = demo.MarketplaceKey, ["publisher"] = demo.PublisherKey, ["operator"] = demo.OperatorKey };
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var now = host.Platform.Clock.GetUtcNow();
        var order = host.Platform.Store.Read(s => s.Query<OrderRow>("SELECT id AS Id FROM orders ORDER BY id LIMIT 1"))[0].Id;
        var line = host.Platform.Orders.Find(order)!.Lines[0].Id;
        OutboxReaders.ReadAll(host.Platform.Store, "news", () => host.Platform.News.Route()); // the demo's own news, routed now rather than while the corpus runs
        var before = RowCounts(host.Platform.Store);

        var failures = new List<string>();
        foreach (var c in Corpus())
        {
            var body = c.Body?.Replace("{now}", LastClick.Common.Times.Format(now), StringComparison.Ordinal)
                .Replace("{today}", now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{order}", order, StringComparison.Ordinal).Replace("{line}", line, StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", keys[c.Key]);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            string? field = null;
            try { field = JsonDocument.Parse(text).RootElement.GetProperty("field").GetString(); }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { }
            if (response.StatusCode != HttpStatusCode.BadRequest || field != c.Field)
            {
                failures.Add($"{c.Name}: {(int)response.StatusCode} field '{field}' (expected 400 '{c.Field}') {text[..Math.Min(text.Length, 200)]}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var after = RowCounts(host.Platform.Store);
        // (outbox_cursors: the background readers' positions, whose rows appear on a reader's first pass.)
        Assert.Equal([], before.Where(t => t.Key != "outbox_cursors" && after[t.Key] != t.Value).Select(t => $"{t.Key}: {t.Value} → {after[t.Key]}"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task I1_orders_of_the_largest_value_sum_exactly_in_the_publishers_and_the_operators_reports(string provider)
    {
        var store = WebHost.Store(provider);
        if (store is null) return;
        await using var host = await WebHost.StartAsync(store);
        var p = host.Platform;
        var now = p.Clock.GetUtcNow();
        p.Publishers.Upsert(new LastClick.Publishers.Publisher("anna", "content", null, true));
        p.Tracking.RecordClick(new LastClick.Tracking.Click("c-max", "aliexpress-ww", "anna", "v-max", now.AddHours(-2), "81.2.69.142",
            "Mozilla/5.0 Firefox/128.0", null, "anna-link", "max"));
        using var http = new HttpClient { BaseAddress = new Uri(host.BaseUrl) };
        var marketplace = new ApiClient(http, p.Keys.Create(LastClick.Access.KeyRole.Marketplace, null, "max"));
        var anna = new ApiClient(http, p.Keys.Create(LastClick.Access.KeyRole.Publisher, "anna", "max"));
        var op = new ApiClient(http, p.Keys.Create(LastClick.Access.KeyRole.Operator, null, "max"));
        var max = LastClick.Common.Limits.MaxAmount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 1; i <= 3; i++)
        {
            var (status, json) = await marketplace.PostAsync("/api/v1/marketplace/orders",
                $$"""{"id":"max-{{i}}","visitor":"v-max","at":"{{LastClick.Common.Times.Format(now)}}","currency":"USD","deliveryCountry":"DE","lines":[{"id":"l1","productId":"p","category":"Mobile phone accessories","price":"{{max}}","quantity":1}]}""");
            Assert.True(status == 201, json.ToString());
        }
        // One unit more is refused.
        Assert.Equal(400, (await marketplace.PostAsync("/api/v1/marketplace/orders",
            $$"""{"id":"max-over","visitor":"v-max","at":"{{LastClick.Common.Times.Format(now)}}","currency":"USD","deliveryCountry":"DE","lines":[{"id":"l1","productId":"p","category":"c","price":"{{max}}","quantity":1},{"id":"l2","productId":"p","category":"c","price":"0.01","quantity":1}]}""")).Status);

        static decimal Sales(JsonElement report) => decimal.Parse(report.GetProperty("totals").GetProperty("sales").ToString(), System.Globalization.CultureInfo.InvariantCulture);
        var expected = 3 * LastClick.Common.Limits.MaxAmount;
        Assert.Equal(expected, Sales((await anna.GetAsync("/api/v1/reports/day?currency=USD")).Json));
        Assert.Equal(expected, Sales((await op.GetAsync("/api/v1/operator/reports/publisher?currency=USD")).Json));
        Assert.Equal(expected, Sales((await op.GetAsync("/api/v1/operator/reports/month?currency=USD")).Json));
    }

    [Fact]
    public async Task I1_sign_in_with_a_return_address_a_header_cannot_carry_goes_home_instead_of_failing()
    {
        await using var host = await WebHost.StartAsync();
        host.Operator("admin", "admin@example.com");
        using var session = host.NewSession();
        using var response = await session.PostFormAsync("/signin", [new("email", "admin@example.com"), new("password", "correct horse battery"), new("returnUrl", "/über")]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/o", response.Headers.Location?.OriginalString); // the admin's home
    }

    [Fact]
    public async Task I1_a_malformed_form_is_a_4xx_and_json_sent_with_a_form_content_type_is_still_read()
    {
        await using var host = await WebHost.StartAsync();
        var demo = Demo.Seed(host.Platform, host.Passwords);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(host.BaseUrl) };
        foreach (var path in (string[])["/signin", "/go/nope", "/api/v1/marketplace/orders"])
        {
            using var content = new StringContent("x", Encoding.UTF8);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("multipart/form-data"); // no boundary
            using var response = await http.PostAsync(path, content);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{path}: {(int)response.StatusCode}");
        }

        string Order(string id) => $$"""{"id":"{{id}}","visitor":"v","at":"{{LastClick.Common.Times.Format(host.Platform.Clock.GetUtcNow())}}","currency":"EUR","deliveryCountry":"DE","lines":[{"id":"l1","productId":"p","category":"c","price":"1.00","quantity":1}]}""";
        async Task<HttpResponseMessage> Send(string body, string mediaType)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/marketplace/orders") { Content = new StringContent(body, Encoding.UTF8, mediaType) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", demo.MarketplaceKey);
            return await http.SendAsync(request);
        }
        // curl -d sends application/x-www-form-urlencoded: the API reads its JSON body whatever the header says.
        using (var created = await Send(Order("form-typed"), "application/x-www-form-urlencoded"))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        // An id past what an index entry holds is refused by its name, not left to the store.
        using var refused = await Send(Order(new string('x', 300)), "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("id", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
    }

    private sealed record OrderRow(string Id);

    private sealed record TableRow(string Name);

    /// <summary>Every table's row count (the queues and logs included: a refused request writes nothing anywhere).</summary>
    internal static IReadOnlyDictionary<string, long> RowCounts(Store store) => store.Read(s =>
    {
        var tables = store.Provider == StoreProvider.Sqlite
            ? s.Query<TableRow>("SELECT name AS Name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            : s.Query<TableRow>("SELECT table_name AS Name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name");
        return (IReadOnlyDictionary<string, long>)tables.ToDictionary(t => t.Name, t => s.Scalar<long>($"SELECT count(*) FROM {t.Name}"));
    });
}
