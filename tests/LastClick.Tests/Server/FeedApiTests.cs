using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using CsvHelper;
using LastClick.Access;
using LastClick.Products;
using LastClick.Tests.Support;

namespace LastClick.Tests.Server;

/// <summary>
/// G2, G3 over HTTP: import → feed in each format → parsed with real parsers (XML, CSV, JSON); gzip, ETag and
/// Last-Modified; the stable URL with its token; an item's link stores a click on the feed's link and redirects.
/// </summary>
public sealed class FeedApiTests : IAsyncLifetime
{
    private WebHost _host = null!;
    private WebHost.Session _session = null!;
    private string _key = "";
    private static readonly XNamespace G = "http://base.google.com/ns/1.0";
    private static readonly XNamespace Xml = XNamespace.Xml;

    public async Task InitializeAsync()
    {
        _host = await WebHost.StartAsync();
        _host.Platform.Publishers.Upsert(new LastClick.Publishers.Publisher("p1", "content", null, true));
        _host.Platform.Publishers.Upsert(new LastClick.Publishers.Publisher("p2", "content", null, true));
        _key = _host.Platform.Keys.Create(KeyRole.Publisher, "p1");
        _session = _host.NewSession();
        // Imported the way the marketplace does it (the API); the CLI import is tested on its own.
        var marketplace = _host.Platform.Keys.Create(KeyRole.Marketplace);
        var body = """
            {"products":[
             {"id":"A1","category":"Toys","store":"Toy Store","price":"9.50","currency":"EUR","stock":3,"affiliated":true,"markets":["DE","FR"],
              "images":["https://ae01.alicdn.com/kf/a1.jpg","https://ae01.alicdn.com/kf/a1b.jpg"],"url":"https://www.aliexpress.com/item/A1.html",
              "texts":{"en":{"title":"Yo-yo","description":"A toy"},"fr":{"title":"=Yo-yo « rapide »","description":"Un jouet & plus"}}},
             {"id":"B2","category":"Toys","price":"20.00","currency":"EUR","stock":0,"affiliated":true,"markets":["DE"],
              "url":"https://www.aliexpress.com/item/B2.html","texts":{"en":{"title":"Kite"}}},
             {"id":"C3","category":"Lamps","price":"5","currency":"USD","stock":1,"affiliated":true,"markets":["FR"],
              "url":"https://www.aliexpress.com/item/C3.html","texts":{"en":{"title":"Lamp"}}}
            ]}
            """;
        using var push = await Send(HttpMethod.Post, "/api/v1/marketplace/products", body, marketplace);
        Assert.Equal(HttpStatusCode.OK, push.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _session.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? json = null, string? key = null, Action<HttpRequestMessage>? with = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? _key);
        with?.Invoke(request);
        return await _session.Http.SendAsync(request);
    }

    private async Task<JsonElement> CreateFeed(string json)
    {
        using var response = await Send(HttpMethod.Post, "/api/v1/feeds", json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string PathOf(string url) => new Uri(url).PathAndQuery;

    private async Task<(HttpResponseMessage Response, string Body)> Fetch(string path, bool gzip = true, Action<HttpRequestMessage>? with = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (gzip) request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        with?.Invoke(request);
        var response = await _session.Http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (response.Content.Headers.ContentEncoding.Contains("gzip"))
        {
            using var unzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var reader = new StreamReader(unzip, Encoding.UTF8);
            return (response, await reader.ReadToEndAsync());
        }
        return (response, Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task G2_G3_the_Google_Merchant_feed_parses_with_the_g_namespace_texts_in_French_else_English_and_the_publishers_links()
    {
        var feed = await CreateFeed("""{"program":"aliexpress-ww","market":"DE","language":"fr","format":"xml","subId":"kids-page","filters":{"category":"Toys"}}""");
        var url = feed.GetProperty("url").GetString()!;
        Assert.EndsWith(".xml", url, StringComparison.Ordinal);
        var (response, body) = await Fetch(PathOf(url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.Equal("application/rss+xml", response.Content.Headers.ContentType!.MediaType);

        var rss = XDocument.Parse(body);
        Assert.Equal(("rss", "2.0"), (rss.Root!.Name.LocalName, rss.Root.Attribute("version")!.Value));
        var channel = rss.Root.Element("channel")!;
        Assert.Equal("fr", channel.Element("language")!.Value);
        var items = channel.Elements("item").ToList();
        Assert.Equal(["A1", "B2"], items.Select(i => i.Element(G + "id")!.Value));
        var a1 = items[0];
        Assert.Equal(("=Yo-yo « rapide »", "fr"), (a1.Element(G + "title")!.Value, a1.Element(G + "title")!.Attribute(Xml + "lang")!.Value));
        Assert.Equal("Un jouet & plus", a1.Element(G + "description")!.Value);
        Assert.Equal(("9.50 EUR", "in_stock", "Toys", "Toy Store"),
            (a1.Element(G + "price")!.Value, a1.Element(G + "availability")!.Value, a1.Element(G + "product_type")!.Value, a1.Element(G + "custom_label_0")!.Value));
        Assert.Equal("https://ae01.alicdn.com/kf/a1.jpg", a1.Element(G + "image_link")!.Value);
        Assert.Equal("https://ae01.alicdn.com/kf/a1b.jpg", a1.Element(G + "additional_image_link")!.Value);
        Assert.Equal("DE", a1.Element(G + "shipping")!.Element(G + "country")!.Value);
        // B2 has no French: English, and the feed says so.
        Assert.Equal(("Kite", "en"), (items[1].Element(G + "title")!.Value, items[1].Element(G + "title")!.Attribute(Xml + "lang")!.Value));
        Assert.Equal("out_of_stock", items[1].Element(G + "availability")!.Value);
        // The rate the rules give this publisher for a toy delivered to Germany.
        Assert.Equal(0.072m, decimal.Parse(a1.Element(G + "custom_label_1")!.Value, CultureInfo.InvariantCulture));

        // The item's link is the publisher's: it stores a click on the feed's link with its sub id and goes to the product.
        var link = a1.Element(G + "link")!.Value;
        var code = feed.GetProperty("code").GetString()!;
        Assert.Equal($"{_host.BaseUrl}/go/{code}/A1", link);
        using var click = await _session.Http.GetAsync(PathOf(link));
        Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
        Assert.StartsWith("https://www.aliexpress.com/item/A1.html?lc_click=", click.Headers.Location!.ToString(), StringComparison.Ordinal);
        var clickId = click.Headers.Location!.ToString().Split("lc_click=")[1];
        using (var c = _host.Platform.Store.Open())
        {
            var stored = Dapper.SqlMapper.QuerySingle<(string LinkId, string Sub1, string PublisherId)>(c,
                "SELECT link_id, sub1, publisher_id FROM clicks WHERE id = @clickId", new { clickId });
            Assert.Equal((code, "kids-page", "p1"), stored);
        }
        using var unknown = await _session.Http.GetAsync($"/go/{code}/NOPE");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task G2_CSV_and_JSON_of_the_same_feed_carry_the_same_items_and_CSV_escapes_formulas()
    {
        var feed = await CreateFeed("""{"program":"aliexpress-ww","market":"DE","language":"fr","format":"csv"}""");
        var token = feed.GetProperty("url").GetString()!.Split("/feeds/")[1].Split('.')[0];

        var (csvResponse, csvText) = await Fetch($"/feeds/{token}.csv", gzip: false);
        Assert.Empty(csvResponse.Content.Headers.ContentEncoding); // a client that does not accept gzip gets plain text
        var (refusing, _) = await Fetch($"/feeds/{token}.csv", gzip: false, with: r => r.Headers.AcceptEncoding.ParseAdd("gzip;q=0, identity"));
        Assert.Empty(refusing.Content.Headers.ContentEncoding); // nor one that refuses it by quality
        using var csv = new CsvReader(new StringReader(csvText), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(["A1", "B2"], rows.Select(r => (string)r["id"]));
        Assert.Equal(("'=Yo-yo « rapide »", "fr", "true"), ((string)rows[0]["title"], (string)rows[0]["language"], (string)rows[0]["translated"]));
        Assert.Equal(("Kite", "en", "false"), ((string)rows[1]["title"], (string)rows[1]["language"], (string)rows[1]["translated"]));
        Assert.Equal(FeedColumns, rows[0].Keys);

        var (_, jsonText) = await Fetch($"/feeds/{token}.json");
        using var json = JsonDocument.Parse(jsonText);
        Assert.Equal(("DE", "fr"), (json.RootElement.GetProperty("feed").GetProperty("market").GetString(), json.RootElement.GetProperty("feed").GetProperty("language").GetString()));
        var items = json.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(rows.Select(r => ((string)r["id"], (string)r["link"], (string)r["price"])),
            items.Select(i => (i.GetProperty("id").GetString()!, i.GetProperty("link").GetString()!, i.GetProperty("price").GetString()!)));
        Assert.Equal("=Yo-yo « rapide »", items[0].GetProperty("title").GetString()); // JSON is data: no escaping
    }

    private static readonly string[] FeedColumns = [.. Feeds.FeedWriter.Columns];

    [Fact]
    public async Task G2_validators_answer_304_until_the_catalog_changes_and_a_revoked_token_is_gone()
    {
        var feed = await CreateFeed("""{"program":"aliexpress-ww","market":"DE","language":"en"}""");
        var path = PathOf(feed.GetProperty("url").GetString()!);
        var (first, _) = await Fetch(path);
        var etag = first.Headers.ETag!;
        Assert.True(etag.IsWeak);
        var modified = first.Content.Headers.LastModified!.Value;
        Assert.Equal("Accept-Encoding", string.Join(",", first.Headers.Vary));

        var (again, againBody) = await Fetch(path, with: r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal((HttpStatusCode.NotModified, ""), (again.StatusCode, againBody));
        var (since, _) = await Fetch(path, with: r => r.Headers.IfModifiedSince = modified);
        Assert.Equal(HttpStatusCode.NotModified, since.StatusCode);

        // A product changes: a new ETag, a full answer.
        await Task.Delay(1100); // Last-Modified has whole seconds
        _host.Platform.Catalog.Push([CatalogService.Canonical(new Product("B2", "Toys", null, 18m, "EUR", 4, true, null, false, null, null, ["DE"], [],
            "https://www.aliexpress.com/item/B2.html", [new ProductText("en", "Kite", null)]))], []);
        var (changed, changedBody) = await Fetch(path, with: r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains("18.00 EUR", changedBody, StringComparison.Ordinal);

        // Another publisher cannot see, fetch or revoke it; its owner revokes the URL and can still fetch it with the key.
        var code = feed.GetProperty("code").GetString()!;
        var other = _host.Platform.Keys.Create(KeyRole.Publisher, "p2");
        using (var peek = await Send(HttpMethod.Get, $"/api/v1/feeds/{code}/items", key: other)) Assert.Equal(HttpStatusCode.NotFound, peek.StatusCode);
        using (var revoke = await Send(HttpMethod.Delete, $"/api/v1/feeds/{code}", key: other)) Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        using (var revoke = await Send(HttpMethod.Delete, $"/api/v1/feeds/{code}")) Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Fetch(path)).Response.StatusCode);
        using var owner = await Send(HttpMethod.Get, $"/api/v1/feeds/{code}/items?format=json");
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Contains("\"B2\"", await owner.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"program":"aliexpress-ww","market":"US","language":"en"}""", "market")]
    [InlineData("""{"program":"aliexpress-ww","market":"DE","language":"de"}""", "language")]
    [InlineData("""{"program":"aliexpress-ww","market":"DE","language":"en","format":"pdf"}""", "format")]
    [InlineData("""{"program":"aliexpress-ww","market":"DE","language":"en","filters":{"colour":"red"}}""", "colour")]
    [InlineData("""{"program":"aliexpress-ww","market":"DE","language":"en","filters":{"minRate":"1.5"}}""", "minRate")]
    public async Task A_bad_feed_is_a_problem_naming_the_field_and_stores_nothing(string json, string field)
    {
        using var response = await Send(HttpMethod.Post, "/api/v1/feeds", json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(_host.Platform.Feeds.ForPublisher("p1"));
    }
}
