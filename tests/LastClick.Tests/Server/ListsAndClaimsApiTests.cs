using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsvHelper;
using LastClick.Access;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Products;
using LastClick.Tests.Support;

namespace LastClick.Tests.Server;

/// <summary>G4, G5, G6, F3 and claims over HTTP: what the operator edits or decides, what publishers download, check and file.</summary>
public sealed class ListsAndClaimsApiTests : IAsyncLifetime
{
    private WebHost _host = null!;
    private WebHost.Session _session = null!;
    private string _publisher = "";
    private string _operator = "";

    public async Task InitializeAsync()
    {
        _host = await WebHost.StartAsync();
        _host.Platform.Publishers.Upsert(new LastClick.Publishers.Publisher("p1", "content", null, true));
        _publisher = _host.Platform.Keys.Create(KeyRole.Publisher, "p1");
        _operator = _host.Platform.Keys.Create(KeyRole.Operator);
        _session = _host.NewSession();
    }

    public async Task DisposeAsync()
    {
        _session.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body)> Call(HttpMethod method, string path, string key, string? body = null, string type = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, type);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await _session.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement.Clone();

    [Fact]
    public async Task G5_the_operator_lists_keywords_and_publishers_download_and_check_them()
    {
        var (added, addedBody) = await Call(HttpMethod.Post, "/api/v1/operator/banned_keywords", _operator, """{"keywords":["AliExpress","Ali Express"]}""");
        Assert.Equal(HttpStatusCode.Created, added);
        Assert.Equal(2, Json(addedBody).GetProperty("added").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Call(HttpMethod.Post, "/api/v1/operator/banned_keywords", _publisher, """{"keywords":["x"]}""")).Status);

        var (_, list) = await Call(HttpMethod.Get, "/api/v1/banned_keywords?format=csv", _publisher);
        Assert.Equal("Ali Express\nAliExpress\n", list);

        var (status, checkBody) = await Call(HttpMethod.Post, "/api/v1/banned_keywords/check", _publisher, "aliexpress coupon\nALI-EXPRESS\naliexpresso\n", "text/plain");
        Assert.Equal(HttpStatusCode.OK, status);
        var check = Json(checkBody);
        Assert.Equal(2, check.GetProperty("banned").GetInt32());
        Assert.Equal([false, false, true], check.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("allowed").GetBoolean()));
        var (bad, badBody) = await Call(HttpMethod.Post, "/api/v1/banned_keywords/check", _publisher, """{"words":[]}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("words", badBody, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await Call(HttpMethod.Delete, "/api/v1/operator/banned_keywords/Ali%20Express", _operator)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Delete, "/api/v1/operator/banned_keywords/Ali%20Express", _operator)).Status);
    }

    [Fact]
    public async Task G6_the_non_paying_stores_set_by_the_operator_are_what_publishers_download()
    {
        var (put, putBody) = await Call(HttpMethod.Put, "/api/v1/operator/programs/aliexpress-ww/non_paying_stores", _operator, """{"stores":["Zed Store","Bad Store"],"note":"Q4"}""");
        Assert.True(put == HttpStatusCode.OK, putBody);
        var (_, json) = await Call(HttpMethod.Get, "/api/v1/non_paying_stores?program=aliexpress-ww", _publisher);
        var list = Assert.Single(Json(json).GetProperty("lists").EnumerateArray());
        Assert.Equal(["Bad Store", "Zed Store"], list.GetProperty("stores").EnumerateArray().Select(s => s.GetString()));
        var (_, csv) = await Call(HttpMethod.Get, "/api/v1/non_paying_stores?format=csv", _publisher);
        Assert.Equal($"program,store,since\naliexpress-ww,Bad Store,{_host.Platform.Clock.GetUtcNow():yyyy-MM-dd}\naliexpress-ww,Zed Store,{_host.Platform.Clock.GetUtcNow():yyyy-MM-dd}\n",
            csv.ReplaceLineEndings("\n"));
        var (all, _) = await Call(HttpMethod.Get, "/api/v1/non_paying_stores", _publisher);
        Assert.Equal(HttpStatusCode.OK, all);
        var (missing, missingBody) = await Call(HttpMethod.Get, "/api/v1/non_paying_stores?program=nope", _publisher);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("program", missingBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task G4_best_sellers_are_ranked_by_the_operator_and_read_as_JSON_and_CSV()
    {
        var p = _host.Platform;
        p.Catalog.Push([CatalogService.Canonical(new Product("X1", "Toys", "Toy Store", 5m, "EUR", 3, true, null, false, null, null, ["PL"], [],
            "https://www.aliexpress.com/item/X1.html", [new ProductText("en", "Top, \"toy\"", null)]))], []);
        var now = p.Clock.GetUtcNow();
        var at = new DateTimeOffset(now.Year, now.Month, 1, 12, 0, 0, TimeSpan.Zero).AddMonths(-1).AddDays(10); // mid last month
        p.Tracking.RecordClick(new Tracking.Click("c1", "aliexpress-ww", "p1", "v1", at.AddMinutes(-1), "81.2.69.142", "Mozilla/5.0 Firefox/128.0", null));
        p.Orders.Ingest(new Order("o1", at, Currency.Of("EUR"), "PL", [new OrderLine("l1", "X1", "Toys", "Toy Store", 5m, 2, true, null, false, null, null)], "v1"), "aliexpress-ww");
        p.Orders.ApplyEvent(new Lifecycle.OrderEvent("e1", "o1", Lifecycle.EventType.GoodsReceived, at.AddMinutes(5), null, null));
        var month = at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var (ran, ranBody) = await Call(HttpMethod.Post, "/api/v1/operator/best_sellers/run", _operator, $$"""{"month":"{{month}}"}""");
        Assert.True(ran == HttpStatusCode.OK, ranBody);
        var (_, json) = await Call(HttpMethod.Get, "/api/v1/best_sellers/pl", _publisher);
        var top = Json(json).GetProperty("products")[0];
        Assert.Equal(("X1", 1, 2), (top.GetProperty("productId").GetString(), top.GetProperty("rank").GetInt32(), top.GetProperty("units").GetInt32()));
        var (_, csvText) = await Call(HttpMethod.Get, "/api/v1/best_sellers/PL?format=csv", _publisher);
        using var csv = new CsvReader(new StringReader(csvText), CultureInfo.InvariantCulture);
        var row = Assert.Single(csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>());
        Assert.Equal((month, "PL", "1", "X1", "Top, \"toy\""), ((string)row["month"], (string)row["market"], (string)row["rank"], (string)row["product"], (string)row["title"]));
        Assert.Equal(HttpStatusCode.BadRequest, (await Call(HttpMethod.Get, "/api/v1/best_sellers/RU", _publisher)).Status);
    }

    [Fact]
    public async Task F3_broken_links_are_listed_with_suggestions_under_Admitads_name()
    {
        var p = _host.Platform;
        Product Item(string id, long stock) => CatalogService.Canonical(new Product(id, "Toys", "Toy Store", 5m, "EUR", stock, true, null, false, null, null, ["DE"], [],
            $"https://www.aliexpress.com/item/{id}.html", [new ProductText("en", id, null)]));
        p.Catalog.Push([Item("Y1", 0), Item("Y2", 4)], []);
        var link = p.Links.Create("p1", "aliexpress-ww", "https://www.aliexpress.com/item/Y1.html");
        var (ran, _) = await Call(HttpMethod.Post, "/api/v1/operator/broken_links/run", _operator);
        Assert.Equal(HttpStatusCode.OK, ran);
        var (_, body) = await Call(HttpMethod.Get, "/api/v1/broken_links", _publisher);
        var broken = Assert.Single(Json(body).GetProperty("broken_links").EnumerateArray());
        Assert.Equal((link.Code, "out_of_stock", "Y2"), (broken.GetProperty("link").GetString(), broken.GetProperty("reason").GetString(),
            broken.GetProperty("suggestions")[0].GetProperty("productId").GetString()));
    }

    [Fact]
    public async Task Claims_are_filed_by_publishers_and_decided_by_the_operator_both_ways()
    {
        var p = _host.Platform;
        var now = p.Clock.GetUtcNow();
        p.Orders.Ingest(new Order("m1", now.AddDays(-1), Currency.Of("USD"), "DE", [new OrderLine("l1", "Z", "Toys", null, 50m, 1, true, null, false, null, null)], "nobody"), "aliexpress-ww");
        var day = now.AddDays(-1).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string Claim(string order) => $$"""{"program":"aliexpress-ww","orderId":"{{order}}","orderDate":"{{day}}","amount":"50.00","currency":"USD","comment":"tracked on my site"}""";

        var (filed, filedBody) = await Call(HttpMethod.Post, "/api/v1/claims", _publisher, Claim("m1"));
        Assert.True(filed == HttpStatusCode.Created, filedBody);
        var id = Json(filedBody).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Conflict, (await Call(HttpMethod.Post, "/api/v1/claims", _publisher, Claim("m1"))).Status);
        var (bad, badBody) = await Call(HttpMethod.Post, "/api/v1/claims", _publisher, Claim("m1").Replace(day, "yesterday", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Contains("orderDate", badBody, StringComparison.Ordinal);

        var (_, queue) = await Call(HttpMethod.Get, "/api/v1/operator/claims", _operator);
        Assert.Equal(id, Assert.Single(Json(queue).GetProperty("claims").EnumerateArray()).GetProperty("id").GetInt64());
        var (_, detail) = await Call(HttpMethod.Get, $"/api/v1/operator/claims/{id}", _operator);
        Assert.Equal(0, Json(detail).GetProperty("evidence").GetProperty("differences").GetArrayLength());
        var (accepted, acceptedBody) = await Call(HttpMethod.Post, $"/api/v1/operator/claims/{id}/accept", _operator, """{"note":"seen in the marketplace's log"}""");
        Assert.True(accepted == HttpStatusCode.OK, acceptedBody);
        var (_, commission) = await Call(HttpMethod.Get, "/api/v1/commissions/m1", _publisher);
        Assert.Equal("claim", Json(commission).GetProperty("lines")[0].GetProperty("trace")[0].GetProperty("rule").GetString());

        var (second, secondBody) = await Call(HttpMethod.Post, "/api/v1/claims", _publisher, Claim("never-seen"));
        var other = Json(secondBody).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Created, second);
        Assert.Equal(HttpStatusCode.NotFound, (await Call(HttpMethod.Post, $"/api/v1/operator/claims/{other}/accept", _operator, "{}")).Status);
        var (declined, declinedBody) = await Call(HttpMethod.Post, $"/api/v1/operator/claims/{other}/decline", _operator, """{"reason":"not_reported"}""");
        Assert.True(declined == HttpStatusCode.OK, declinedBody);
        var (_, mine) = await Call(HttpMethod.Get, "/api/v1/claims", _publisher);
        Assert.Equal([("never-seen", "declined", "not_reported"), ("m1", "accepted", null)],
            Json(mine).GetProperty("claims").EnumerateArray().Select(c => (c.GetProperty("orderId").GetString(), c.GetProperty("status").GetString(), c.GetProperty("reason").GetString())));
    }
}
