using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LastClick.Access;
using LastClick.Programs;
using LastClick.Publishers;
using LastClick.Replay;
using LastClick.Server;
using LastClick.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LastClick.Tests.Server;

/// <summary>The real app on a loopback port (issue 3 work in progress): link → click → order → events.</summary>
#pragma warning disable CA1001 // xunit disposes through IAsyncLifetime.DisposeAsync
public sealed class ServerTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly TemporaryStore _store = TemporaryStore.Create();
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private Platform _platform = null!;

    public async Task InitializeAsync()
    {
        // No rate limit on publisher keys here: one test sends a thousand links through the API as fast as it can.
        _app = await WebHost.StartAppAsync(_store, "--RateLimits:Publisher", "0");
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(address) };
        _platform = _app.Services.GetRequiredService<Platform>();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _store.Dispose();
    }

    [Fact]
    public async Task F2_a_click_redirects_with_the_click_id_and_a_visitor_cookie_and_the_order_is_credited()
    {
        _platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
        var link = _platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/1005001.html?spm=home", "post-42");
        var key = _platform.Keys.Create(KeyRole.Marketplace);

        using var click = new HttpRequestMessage(HttpMethod.Get, $"/go/{link.Code}");
        click.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
        using var redirect = await _http.SendAsync(click);

        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!;
        Assert.Equal("www.aliexpress.com", location.Host);
        var clickId = System.Web.HttpUtility.ParseQueryString(location.Query)["lc_click"];
        Assert.False(string.IsNullOrEmpty(clickId));
        var cookie = redirect.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lc_vid=", StringComparison.Ordinal));
        Assert.Contains("max-age=259200", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        var visitor = cookie["lc_vid=".Length..cookie.IndexOf(';', StringComparison.Ordinal)];

        var order = $$"""
            { "id": "o1", "visitor": "{{visitor}}", "at": "{{DateTimeOffset.UtcNow:O}}", "currency": "USD", "deliveryCountry": "DE",
              "lines": [ { "id": "l1", "productId": "1005001", "category": "Mobile phone accessories", "price": "100.00", "quantity": 1 } ] }
            """;
        using var created = await Post("/api/v1/marketplace/orders", order, key);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var view = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.Equal(("p1", clickId, "5.60"), (view.RootElement.GetProperty("publisher").GetString(), view.RootElement.GetProperty("click").GetString(),
            view.RootElement.GetProperty("commission").GetString()));

        using var again = await Post("/api/v1/marketplace/orders", order, key);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        using var conflict = await Post("/api/v1/marketplace/orders", order.Replace("100.00", "200.00", StringComparison.Ordinal), key);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var problem = await conflict.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("id", problem.GetProperty("field").GetString());

        var confirmed = $$"""{ "id": "e1", "order": "o1", "type": "goods_received", "at": "{{DateTimeOffset.UtcNow:O}}" }""";
        using var applied = await Post("/api/v1/marketplace/events", confirmed, key);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal("payable", _platform.Orders.Find("o1")!.Status);
        Assert.Equal(5.60m, _platform.Ledger.Balances("p1").Single().Payable);
    }

    [Fact]
    public async Task Unknown_links_keys_and_orders_are_problem_details()
    {
        using var missing = await _http.GetAsync("/go/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        using var noKey = await Post("/api/v1/marketplace/orders", "{}", null);
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);

        var key = _platform.Keys.Create(KeyRole.Marketplace);
        using var bad = await Post("/api/v1/marketplace/orders", """{ "id": "o1", "visitor": "v", "at": "2026-02-01T00:00:00Z", "currency": "USD", "deliveryCountry": "DE", "lines": [ { "id": "l1", "productId": "1", "category": "Toys", "price": "-1", "quantity": 1 } ] }""", key);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("lines[0].price", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());

        using var unknown = await Post("/api/v1/marketplace/events", """{ "id": "e9", "order": "o9", "type": "paid", "at": "2026-02-01T00:00:00Z" }""", key);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        const string touch = """{ "id": "t1", "visitor": "v1", "at": "2026-02-01T00:00:00Z", "channel": "email" }""";
        using (var first = await Post("/api/v1/marketplace/touches", touch, key))
        using (var repeat = await Post("/api/v1/marketplace/touches", touch, key))
        {
            Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (first.StatusCode, repeat.StatusCode));
        }
        using (var other = await Post("/api/v1/marketplace/touches", touch.Replace("v1", "v2", StringComparison.Ordinal), key))
        {
            Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
            Assert.Equal("touch.id", (await other.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        Assert.Equal("v1", _platform.Store.Read(s => s.Scalar<string>("SELECT visitor_id FROM touches WHERE id = 't1'")));

        using (var nowhere = await _http.GetAsync("/api/v1/nothing"))
        {
            Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (nowhere.StatusCode, nowhere.Content.Headers.ContentType?.MediaType));
        }
        using (var wrongMethod = await _http.DeleteAsync("/go/abc"))
        {
            Assert.Equal((HttpStatusCode.MethodNotAllowed, "application/problem+json"), (wrongMethod.StatusCode, wrongMethod.Content.Headers.ContentType?.MediaType));
        }
        using (var tooLarge = new HttpRequestMessage(HttpMethod.Post, "/api/v1/marketplace/orders") { Content = new StringContent("[" + new string(' ', 31 << 20) + "]") })
        {
            // Expect: 100-continue, so the refusal is read before the body is sent. The client waits for it as long as it
            // takes: by default it starts sending after a second, and on a busy machine the 31 MB then met a connection
            // the server had closed with its 413 (a broken pipe instead of the answer; seen once in CI).
            tooLarge.Headers.ExpectContinue = true;
            tooLarge.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var patient = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) }) { BaseAddress = _http.BaseAddress };
            using var huge = await patient.SendAsync(tooLarge);
            Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "application/problem+json"), (huge.StatusCode, huge.Content.Headers.ContentType?.MediaType));
        }

        using var healthy = await _http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public async Task I1_a_publisher_sees_its_own_links_commissions_and_balance_and_never_another_publishers()
    {
        _platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
        _platform.Publishers.Upsert(new Publisher("p2", "coupon", null, true));
        var keys = new Dictionary<string, string> { ["p1"] = _platform.Keys.Create(KeyRole.Publisher, "p1"), ["p2"] = _platform.Keys.Create(KeyRole.Publisher, "p2") };
        var marketplace = _platform.Keys.Create(KeyRole.Marketplace);

        foreach (var (publisher, n) in new[] { ("p1", 1), ("p2", 2) })
        {
            using var created = await Post("/api/v1/links", $$"""{ "program": "aliexpress-ww", "destination": "https://www.aliexpress.com/item/{{n}}.html", "sub1": "page-{{n}}" }""", keys[publisher]);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var tracking = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trackingUrl").GetString()!;
            // A browser's click (a request with no user agent is invalid traffic, A6).
            using var follow = new HttpRequestMessage(HttpMethod.Get, new Uri(tracking).PathAndQuery);
            follow.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0");
            using var redirect = await _http.SendAsync(follow);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            var cookie = redirect.Headers.GetValues("Set-Cookie").Single();
            var visitor = cookie["lc_vid=".Length..cookie.IndexOf(';', StringComparison.Ordinal)];
            using var order = await Post("/api/v1/marketplace/orders", $$"""
                { "id": "o{{n}}", "visitor": "{{visitor}}", "at": "{{DateTimeOffset.UtcNow:O}}", "currency": "USD", "deliveryCountry": "FR",
                  "lines": [ { "id": "l1", "productId": "{{n}}", "category": "Toys", "price": "{{n * 100}}.00", "quantity": 1 } ] }
                """, marketplace);
            Assert.Equal(HttpStatusCode.Created, order.StatusCode);
        }

        var mine = await Get<JsonElement>("/api/v1/commissions", keys["p1"]);
        Assert.Equal(["o1"], mine.EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        var line = mine[0].GetProperty("lines")[0];
        Assert.Equal(("0.072", "7.20"), (line.GetProperty("rate").GetString(), line.GetProperty("commission").GetString()));
        Assert.Equal("category_table", line.GetProperty("trace").EnumerateArray().Last().GetProperty("rule").GetString());
        Assert.Empty((await Get<JsonElement>("/api/v1/commissions?subid1=page-2", keys["p1"])).EnumerateArray());
        Assert.Single((await Get<JsonElement>("/api/v1/commissions?sub1=page-1&status=pending", keys["p1"])).EnumerateArray());

        using (var theirs = await Send(HttpMethod.Get, "/api/v1/commissions/o2", keys["p1"]))
        {
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        }
        using (var own = await Send(HttpMethod.Get, "/api/v1/commissions/o2", keys["p2"]))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        }
        var balance = await Get<JsonElement>("/api/v1/balance", keys["p2"]);
        Assert.Equal("14.40", balance[0].GetProperty("pending").GetString()); // a decimal string, its scale kept
        Assert.All((await Get<JsonElement>("/api/v1/balance/history", keys["p1"])).EnumerateArray(), t => Assert.Equal("o1", t.GetProperty("order").GetString()));

        using (var badDate = await Send(HttpMethod.Get, "/api/v1/commissions?date_start=yesterday", keys["p1"]))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badDate.StatusCode);
            Assert.Equal("date_start", (await badDate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        using (var badStatus = await Send(HttpMethod.Get, "/api/v1/commissions?status=bogus", keys["p1"]))
        {
            Assert.Equal("status", (await badStatus.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        var today = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Single((await Get<JsonElement>($"/api/v1/commissions?date_start={today}&date_end={today}", keys["p1"])).EnumerateArray());
        Assert.Empty((await Get<JsonElement>("/api/v1/commissions?offset=1", keys["p1"])).EnumerateArray());
        using (var wrongRole = await Send(HttpMethod.Get, "/api/v1/commissions", marketplace))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongRole.StatusCode);
        }
        using (var publisherOnMarketplace = await Post("/api/v1/marketplace/touches", """{ "id": "t1", "visitor": "v", "at": "2026-02-01T00:00:00Z" }""", keys["p1"]))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, publisherOnMarketplace.StatusCode);
        }
    }

    [Fact]
    public async Task F2_a_click_that_cannot_be_stored_is_a_500_problem_never_a_redirect()
    {
        _platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
        var code = _platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/").Code;
        _platform.Store.InSession(s => s.Execute("ALTER TABLE clicks RENAME TO clicks_gone"));

        using var response = await _http.GetAsync($"/go/{code}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task I1_the_openapi_document_describes_the_api()
    {
        using var response = await _http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paths");
        foreach (var path in new[] { "/go/{code}", "/api/v1/marketplace/orders", "/api/v1/marketplace/events", "/api/v1/links", "/api/v1/links/bulk",
            "/api/v1/links/{code}", "/api/v1/commissions", "/api/v1/balance", "/api/v1/operator/publishers/{id}", "/api/v1/operator/keys" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
        var orders = paths.GetProperty("/api/v1/marketplace/orders").GetProperty("post").GetProperty("responses");
        Assert.True(orders.TryGetProperty("201", out _) && orders.TryGetProperty("409", out _), orders.ToString());
    }

    [Fact]
    public async Task F2_the_client_address_is_the_connections_unless_a_trusted_proxy_forwards_it()
    {
        _platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
        var code = _platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/").Code;
        using (var spoofed = new HttpRequestMessage(HttpMethod.Get, $"/go/{code}"))
        {
            spoofed.Headers.Add("X-Forwarded-For", "77.88.8.8");
            using var _ = await _http.SendAsync(spoofed);
        }

        using var proxied = TemporaryStore.Create();
        var app = LastClickServer.Build(proxied.Store, ProgramCatalog.BuiltIn(), ["--urls", "http://127.0.0.1:0", "--TrustedProxies", "127.0.0.1"]);
        await app.StartAsync();
        try
        {
            var platform = app.Services.GetRequiredService<Platform>();
            platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
            var proxiedCode = platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/").Code;
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false })
            {
                BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()),
            };
            using var forwarded = new HttpRequestMessage(HttpMethod.Get, $"/go/{proxiedCode}");
            forwarded.Headers.Add("X-Forwarded-For", "77.88.8.8");
            using var _ = await http.SendAsync(forwarded);

            Assert.Equal("77.88.8.8", platform.Store.InSession(s => s.Scalar<string>("SELECT ip FROM clicks")));
            Assert.Equal("RU", platform.Store.InSession(s => s.Scalar<string>("SELECT country FROM clicks")));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        Assert.Equal("127.0.0.1", _platform.Store.InSession(s => s.Scalar<string>("SELECT ip FROM clicks")));
    }

    [Fact]
    public async Task F1_a_publisher_edits_lists_and_bulk_creates_links_and_the_redirect_follows_the_edit_at_once()
    {
        _platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
        _platform.Publishers.Upsert(new Publisher("p2", "content", null, true));
        var (p1, p2) = (_platform.Keys.Create(KeyRole.Publisher, "p1"), _platform.Keys.Create(KeyRole.Publisher, "p2"));
        var code = _platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/1.html", "a").Code;
        Assert.Equal("/item/1.html", await RedirectPath(code));

        using (var edited = await Send(HttpMethod.Patch, $"/api/v1/links/{code}", p1, """{ "destination": "https://www.aliexpress.com/item/2.html", "sub1": null, "sub2": "b" }"""))
        {
            Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
            var link = (await edited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link");
            Assert.Equal(JsonValueKind.Null, link.GetProperty("sub1").ValueKind);
            Assert.Equal("b", link.GetProperty("sub2").GetString());
        }
        Assert.Equal("/item/2.html", await RedirectPath(code));
        using (var theirs = await Send(HttpMethod.Patch, $"/api/v1/links/{code}", p2, """{ "destination": "https://www.aliexpress.com/item/3.html" }"""))
        {
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        }
        using (var hostile = await Send(HttpMethod.Patch, $"/api/v1/links/{code}", p1, """{ "destination": "https://www.aliexpress.com.evil.example/" }"""))
        {
            Assert.Equal("destination", (await hostile.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        Assert.Equal("/item/2.html", await RedirectPath(code));

        const string csv = "destination,sub1,sub2\nhttps://www.aliexpress.com/item/10.html,row1,\n\"https://www.aliexpress.com/item/11.html?a=1,2\",row2,=HYPERLINK(1)\n";
        using (var bulk = await Send(HttpMethod.Post, "/api/v1/links/bulk?program=aliexpress-ww", p1, csv, "text/csv"))
        {
            Assert.Equal(HttpStatusCode.Created, bulk.StatusCode);
            var links = (await bulk.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("links");
            Assert.Equal(["https://www.aliexpress.com/item/10.html", "https://www.aliexpress.com/item/11.html?a=1,2"],
                links.EnumerateArray().Select(l => l.GetProperty("link").GetProperty("destination").GetString()));
            Assert.Equal("/item/11.html", await RedirectPath(links[1].GetProperty("link").GetProperty("code").GetString()!));
        }
        using (var asCsv = await Send(HttpMethod.Post, "/api/v1/links/bulk?program=aliexpress-ww", p1, csv, "text/csv", accept: "text/csv"))
        {
            var lines = (await asCsv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("code,tracking_url,program,destination,sub1,sub2,sub3,sub4,sub5,name", lines[0].TrimEnd('\r'));
            Assert.Contains("'=HYPERLINK(1)", lines[2], StringComparison.Ordinal);
        }
        using (var bad = await Send(HttpMethod.Post, "/api/v1/links/bulk", p1, "program,destination\naliexpress-ww,https://www.aliexpress.com/\naliexpress-ww,//evil.example/\n", "text/csv"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("rows[1].destination", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        using (var oneColumn = await Send(HttpMethod.Post, "/api/v1/links/bulk?program=aliexpress-ww", p1, "destination\nhttps://www.aliexpress.com/w?x=1,2\n", "text/csv"))
        {
            Assert.Equal(HttpStatusCode.Created, oneColumn.StatusCode);
            Assert.Equal("https://www.aliexpress.com/w?x=1,2", (await oneColumn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("links")[0].GetProperty("link").GetProperty("destination").GetString());
        }
        using (var unquoted = await Send(HttpMethod.Post, "/api/v1/links/bulk?program=aliexpress-ww", p1, "destination,sub1\nhttps://www.aliexpress.com/w?x=1,2,a\n", "text/csv"))
        {
            Assert.Equal("rows[0]", (await unquoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        using (var unknownColumn = await Send(HttpMethod.Post, "/api/v1/links/bulk", p1, "program,url\naliexpress-ww,https://www.aliexpress.com/\n", "text/csv"))
        {
            Assert.Equal("csv.url", (await unknownColumn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        using (var spoofed = await Send(HttpMethod.Get, $"/api/v1/links/{code}", p1, host: "evil.example"))
        {
            Assert.StartsWith(_http.BaseAddress!.ToString().TrimEnd('/'), (await spoofed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("trackingUrl").GetString(), StringComparison.Ordinal);
        }
        var mine = await Get<JsonElement>("/api/v1/links?limit=10", p1);
        Assert.Equal(6, mine.GetProperty("links").GetArrayLength());
        Assert.Equal(0, (await Get<JsonElement>("/api/v1/links", p2)).GetProperty("links").GetArrayLength());
    }

    [Fact]
    public async Task F2_a_repeated_click_of_the_same_visitor_is_stored_and_marked_duplicate()
    {
        _platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
        var code = _platform.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/").Code;
        for (var i = 0; i < 3; i++)
        {
            using var click = new HttpRequestMessage(HttpMethod.Get, $"/go/{code}");
            click.Headers.Add("Cookie", "lc_vid=visitor1");
            using var _ = await _http.SendAsync(click);
        }
        // Another browser without the cookie yet: its second click carries the cookie the first one set (and here
        // another user agent string, so only the cookie can tell).
        using var firstClick = new HttpRequestMessage(HttpMethod.Get, $"/go/{code}");
        firstClick.Headers.UserAgent.ParseAdd("Browser/1");
        using var first = await _http.SendAsync(firstClick);
        var cookie = first.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var second = new HttpRequestMessage(HttpMethod.Get, $"/go/{code}");
        second.Headers.Add("Cookie", cookie);
        second.Headers.UserAgent.ParseAdd("Browser/2");
        using var __ = await _http.SendAsync(second);

        var flags = _platform.Store.InSession(s => s.Query<long>("SELECT duplicate FROM clicks ORDER BY seq"));
        Assert.Equal([0L, 1L, 1L, 0L, 1L], flags);
    }

    [Fact]
    public async Task I1_the_operator_manages_publishers_and_issues_their_keys()
    {
        var op = _platform.Keys.Create(KeyRole.Operator);
        // "Complete" payout details are derived from the publisher's details, never a flag an API sets (D3).
        using (var flag = await Send(HttpMethod.Put, "/api/v1/operator/publishers/blog-1", op, """{ "trafficType": "content", "ranking": 12, "payoutDetailsComplete": true }"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, flag.StatusCode);
            Assert.Equal("payoutDetailsComplete", (await flag.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
            Assert.Null(_platform.Publishers.Find("blog-1"));
        }
        using (var created = await Send(HttpMethod.Put, "/api/v1/operator/publishers/blog-1", op, """{ "trafficType": "content", "ranking": 12 }"""))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.False((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("payoutDetailsComplete").GetBoolean());
        }
        using (var updated = await Send(HttpMethod.Put, "/api/v1/operator/publishers/blog-1", op, """{ "trafficType": "coupon" }"""))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }
        Assert.Equal("coupon", _platform.Publishers.Find("blog-1")!.TrafficType);
        using (var bad = await Send(HttpMethod.Put, "/api/v1/operator/publishers/blog-2", op, """{ "trafficType": "adult" }"""))
        {
            Assert.Equal("publisher.trafficType", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
            Assert.Null(_platform.Publishers.Find("blog-2"));
        }

        string key;
        using (var issued = await Send(HttpMethod.Post, "/api/v1/operator/keys", op, """{ "role": "publisher", "publisher": "blog-1" }"""))
        {
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
            key = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        }
        Assert.Equal(0, (await Get<JsonElement>("/api/v1/links", key)).GetProperty("links").GetArrayLength());
        using (var noPublisher = await Send(HttpMethod.Post, "/api/v1/operator/keys", op, """{ "role": "publisher" }"""))
        {
            Assert.Equal("publisher", (await noPublisher.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        }
        Assert.Equal(["aliexpress-cis", "aliexpress-ww"], (await Get<JsonElement>("/api/v1/operator/programs", op)).EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Equal("aliexpress-ww", (await Get<JsonElement>("/api/v1/operator/programs/aliexpress-ww", op)).GetProperty("id").GetString());
        Assert.Single((await Get<JsonElement>("/api/v1/operator/publishers", op)).GetProperty("publishers").EnumerateArray());
        using (var publisherAsOperator = await Send(HttpMethod.Get, "/api/v1/operator/publishers", key))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, publisherAsOperator.StatusCode);
        }
    }

    [Fact]
    public async Task The_demo_makes_a_living_system_whose_keys_work()
    {
        var demo = Demo.Seed(_platform, new LastClick.Web.Passwords());

        Assert.Equal((4, 600), (demo.Links.Count, demo.Clicks));
        Assert.InRange(demo.Orders, 10, 40);
        var commissions = await Get<JsonElement>("/api/v1/commissions?limit=1000", demo.PublisherKey);
        Assert.Equal(demo.Orders, commissions.GetArrayLength());
        Assert.Contains(commissions.EnumerateArray(), o => o.GetProperty("status").GetString() == "declined" && o.GetProperty("reason").GetString() == "refunded");
        Assert.True(decimal.Parse((await Get<JsonElement>("/api/v1/balance", demo.PublisherKey))[0].GetProperty("balance").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("demo-publisher", (await Get<JsonElement>("/api/v1/operator/publishers", demo.OperatorKey)).GetProperty("publishers")[0].GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Redirect, (await _http.GetAsync($"/go/{demo.Links[0].Code}")).StatusCode);

        // The printed sign-ins work: the demo publisher sees its day on the dashboard, the queue holds the demo applicants.
        Assert.Equal(["admin", "moderator", "publisher"], demo.Accounts.Select(a => a.Role));
        using (var publisher = new WebHost.Session(_http.BaseAddress!))
        {
            await publisher.SignInAsync("publisher@demo.lastclick.dev", demo.Accounts.Single(a => a.Role == "publisher").Password);
            using var overview = await publisher.GetAsync("/p");
            var html = await overview.Content.ReadAsStringAsync();
            Assert.Contains($"id=\"total-clicks\">{demo.Clicks + 1}<", html, StringComparison.Ordinal); // the demo day and the click above
        }
        Assert.Equal(3, _platform.Applications.Queue().Count);

        var again = Demo.Seed(_platform, new LastClick.Web.Passwords());
        Assert.Equal((0, demo.Links.Count), (again.Clicks, again.Links.Count));
        Assert.NotEqual(demo.PublisherKey, again.PublisherKey);
        Assert.NotEqual(demo.Accounts[0].Password, again.Accounts[0].Password);
        Assert.Equal(3, _platform.Applications.Queue().Count);
    }

    [Fact]
    public async Task F2_hostile_destinations_sent_through_the_api_never_redirect_off_the_programs_hosts()
    {
        _platform.Publishers.Upsert(new Publisher("p1", "content", null, true));
        var key = _platform.Keys.Create(KeyRole.Publisher, "p1");
        var hosts = _platform.Programs.Get("aliexpress-ww").AllowedHosts;
        var (tried, refused) = (0, 0);
        // Every fourth generated form (about 940 over HTTP; all 3,770 are checked against LinkTargets directly), plus
        // more from a second seed, so at least 1,000 go through POST /api/v1/links and, when accepted, GET /go.
        foreach (var url in HostileTargets.Generate().Where((_, i) => i % 4 == 0).Concat(HostileTargets.Generate(7).Take(100)))
        {
            tried++;
            var body = System.Text.Json.JsonSerializer.Serialize(new { program = "aliexpress-ww", destination = url });
            using var created = await Send(HttpMethod.Post, "/api/v1/links", key, body);
            if (created.StatusCode == HttpStatusCode.BadRequest)
            {
                Assert.Equal("destination", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
                refused++;
                continue;
            }
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("link").GetProperty("code").GetString();
            using var redirect = await _http.GetAsync($"/go/{code}");
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            HostileTargets.AssertStaysOnHosts(url, redirect.Headers.GetValues("Location").Single(), hosts);
        }
        Assert.True(tried >= 1000, $"{tried} forms");
        Assert.True(refused > tried * 9 / 10, $"{refused} of {tried} refused");
    }

    [Theory]
    [InlineData("https://go.example.com/#x")]
    [InlineData("https://user:pass@go.example.com")]
    [InlineData("https://go.example.com/links")]
    [InlineData("ftp://go.example.com")]
    public void A_public_url_with_a_path_fragment_user_or_other_scheme_is_refused_naming_it(string url)
    {
        using var store = TemporaryStore.Create();
        var e = Assert.Throws<LastClick.Common.ProblemException>(() => LastClickServer.Build(store.Store, ProgramCatalog.BuiltIn(), ["--urls", "http://127.0.0.1:0", "--PublicUrl", url]));
        Assert.Equal("public-url", e.Problem.Field);
    }

    private async Task<string> RedirectPath(string code)
    {
        using var response = await _http.GetAsync($"/go/{code}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.AbsolutePath;
    }

    private async Task<T> Get<T>(string path, string key)
    {
        using var response = await Send(HttpMethod.Get, path, key);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string key, string? body = null, string type = "application/json", string? accept = null, string? host = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (host is not null) request.Headers.Host = host;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, type);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        return await _http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> Post(string path, string json, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await _http.SendAsync(request);
    }
}
