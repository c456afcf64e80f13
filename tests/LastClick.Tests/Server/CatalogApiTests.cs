using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LastClick.Access;
using LastClick.Tests.Support;

namespace LastClick.Tests.Server;

/// <summary>G1 over HTTP: the marketplace pushes products in batches (idempotent by content) and marks them gone.</summary>
public sealed class CatalogApiTests
{
    private const string Product = """
        {"id":"1005001","category":"Mobile phones","store":"Xiaomi Official Store","price":"199.99","currency":"EUR","stock":12,
         "affiliated":true,"sellerRate":"0.08","markets":["DE","PL"],"images":["https://ae01.alicdn.com/kf/p.jpg"],
         "url":"https://www.aliexpress.com/item/1005001.html","texts":{"en":{"title":"Phone X","description":"A phone"},"fr":{"title":"Téléphone X"}}}
        """;

    [Fact]
    public async Task G1_products_are_pushed_repeated_marked_gone_and_refused_with_the_field_named()
    {
        await using var host = await WebHost.StartAsync();
        var marketplace = host.Platform.Keys.Create(KeyRole.Marketplace);
        host.Platform.Publishers.Upsert(new LastClick.Publishers.Publisher("p1", "content", null, true));
        var publisher = host.Platform.Keys.Create(KeyRole.Publisher, "p1");
        using var session = host.NewSession();

        async Task<(HttpStatusCode, JsonElement)> Push(string key, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/marketplace/products") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await session.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }

        var (status, first) = await Push(marketplace, $$"""{"products":[{{Product}}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, first.GetProperty("created").GetInt32());
        Assert.Equal(1, (await Push(marketplace, $$"""{"products":[{{Product}}]}""")).Item2.GetProperty("unchanged").GetInt32());
        Assert.Equal(1, (await Push(marketplace, """{"gone":["1005001"]}""")).Item2.GetProperty("gone").GetInt32());
        Assert.NotNull(host.Platform.Catalog.Find("1005001")!.GoneAt);

        var (badStatus, bad) = await Push(marketplace, $$"""{"products":[{{Product.Replace("\"DE\"", "\"Germany\"", StringComparison.Ordinal).Replace("1005001", "1005002", StringComparison.Ordinal)}}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Equal("products[0].markets[0]", bad.GetProperty("field").GetString());
        Assert.Null(host.Platform.Catalog.Find("1005002"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Push(publisher, $$"""{"products":[{{Product}}]}""")).Item1);
    }
}
