using LastClick.Publishers;
using LastClick.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace LastClick.Tests.Web;

/// <summary>
/// A6 in real Chromium: a person's click on a publisher's page counts; the same browser loading another publisher's links
/// through <c>&lt;img&gt;</c>, <c>&lt;iframe&gt;</c> and <c>&lt;link rel=prefetch&gt;</c> — cookie stuffing — does not, and the order stays
/// with the real click. The publishers' pages and the marketplace are served by Playwright's router (nothing leaves the
/// machine); the links are the real server's on 127.0.0.1.
/// </summary>
[Collection(ChromiumTests.Name)]
public sealed class StuffingBrowserTests(Chromium chromium)
{
    // Headless Chromium names itself "HeadlessChrome", a listed bot: the person in this test uses an ordinary Chrome.
    private const string Browser = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

    [Fact]
    public async Task A6_a_real_navigation_counts_and_image_iframe_and_prefetch_loads_of_a_link_do_not()
    {
        await using var host = await WebHost.StartAsync();
        var platform = host.Platform;
        platform.Publishers.Upsert(new Publisher("honest", "content", null, true));
        platform.Publishers.Upsert(new Publisher("stuffer", "content", null, true));
        var real = platform.Links.Create("honest", "aliexpress-ww", "https://www.aliexpress.com/item/1005001.html").Code;
        var image = platform.Links.Create("stuffer", "aliexpress-ww", "https://www.aliexpress.com/item/1005001.html", "img").Code;
        var frame = platform.Links.Create("stuffer", "aliexpress-ww", "https://www.aliexpress.com/item/1005001.html", "iframe").Code;
        var prefetch = platform.Links.Create("stuffer", "aliexpress-ww", "https://www.aliexpress.com/item/1005001.html", "prefetch").Code;

        // The publishers' own sites: a second server on loopback (request interception would keep Chromium from prefetching).
        var sites = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        sites.WebHost.UseUrls("http://127.0.0.1:0");
        await using var pages = sites.Build();
        Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(pages, "/review", () => Microsoft.AspNetCore.Http.Results.Content(
            $"""<a id="deal" href="{host.BaseUrl}/go/{real}">the deal</a>""", "text/html"));
        Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(pages, "/coupons", () => Microsoft.AspNetCore.Http.Results.Content($"""
            <link rel="prefetch" href="{host.BaseUrl}/go/{prefetch}">
            <p>Coupons!</p>
            <img src="{host.BaseUrl}/go/{image}" width="1" height="1">
            <iframe src="{host.BaseUrl}/go/{frame}" width="1" height="1" style="visibility:hidden"></iframe>
            """, "text/html"));
        await pages.StartAsync();
        var site = pages.Urls.First().Replace("127.0.0.1", "localhost", StringComparison.Ordinal);

        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { UserAgent = Browser });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);

        // The person reads the honest publisher's page and clicks through (the marketplace itself is out of reach here).
        await page.GotoAsync($"{site}/review");
        try
        {
            await page.ClickAsync("#deal");
        }
        catch (PlaywrightException)
        {
            // The redirect's destination cannot load on this closed machine; the click is what is judged.
        }
        await WaitForClicks(platform, 1);

        // Later, another tab: the stuffer's page loads its links behind the person's back.
        var other = await context.NewPageAsync();
        await other.GotoAsync($"{site}/coupons");
        var clicks = await WaitForClicks(platform, 4);

        var byLink = clicks.ToDictionary(c => c.Link, c => (c.Reason, c.Evidence));
        Assert.Equal((null, null), byLink[real]);
        Assert.Equal(("cookie_stuffing", "Sec-Fetch-Dest: image"), byLink[image]);
        Assert.Equal(("hidden_click", "Sec-Fetch-Dest: iframe"), byLink[frame]);
        Assert.Equal("prefetch", byLink[prefetch].Reason);
        // Chromium kept the SameSite=Lax visitor cookie out of the other site's loads (a second defence); whichever visitor an
        // order names, the stuffed loads never win it: the person's order is the honest publisher's, and an order naming
        // only the image's click id earns nothing, as invalid traffic.
        Commissions.OrderLine[] lines = [new("l1", "1005001", "Toys", null, 100m, 1, true, null, false, null, null)];
        var at = platform.Clock.GetUtcNow().AddSeconds(1);
        var person = clicks.Single(c => c.Link == real).Visitor;
        Assert.Equal("honest", platform.Orders.Ingest(new Commissions.Order("o1", at, Common.Currency.Of("USD"), "DE", lines, person), "aliexpress-ww").Publisher);
        var stuffedClick = platform.Store.Read(s => s.Scalar<string>("SELECT id FROM clicks WHERE link_id = @image", new { image }));
        var stuffed = platform.Orders.Ingest(new Commissions.Order("o2", at, Common.Currency.Of("USD"), "DE", lines, null, stuffedClick), "aliexpress-ww");
        Assert.Equal(("0.00", Commissions.Commission.Reasons.InvalidTraffic), (stuffed.Commission, stuffed.Lines[0].Reason));
    }

    private static async Task<List<(string Link, string? Reason, string? Evidence, string Visitor)>> WaitForClicks(Platform platform, int count)
    {
        for (var attempt = 0; ; attempt++)
        {
            var clicks = platform.Store.Read(s => s.Query<(string Link, string? Reason, string? Evidence, string Visitor)>(
                "SELECT link_id, invalid_reason, invalid_evidence, visitor_id FROM clicks ORDER BY seq"));
            if (clicks.Select(c => c.Link).Distinct().Count() >= count || attempt == 100) return clicks;
            await Task.Delay(100);
        }
    }
}
