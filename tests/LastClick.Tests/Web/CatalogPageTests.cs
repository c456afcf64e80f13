using System.Net;
using System.Text.RegularExpressions;
using LastClick.Replay;
using LastClick.Server;
using LastClick.Tests.Support;

namespace LastClick.Tests.Web;

/// <summary>Issue 6 in the dashboard, over the demo: feeds, broken links, best sellers, the keyword checker, claims both ways.</summary>
public sealed partial class CatalogPageTests : DemoSessions
{
    private static async Task<string> Html(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [Fact]
    public async Task A_publisher_makes_a_feed_in_the_form_and_its_URL_serves_it_and_a_bad_field_is_named_in_place()
    {
        using var made = await PublisherSession.PostFormAsync("/p/feeds?handler=create", [
            new("Form.Program", "aliexpress-ww"), new("Form.Market", "de"), new("Form.Language", "fr"), new("Form.Format", "csv"),
            new("Form.SubId", "page-feed"), new("Form.MinRatePercent", "2"), new("Form.InStock", "true"),
        ], tokenFrom: "/p/feeds");
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        var html = await Html(await PublisherSession.GetAsync("/p/feeds"));
        var url = FeedUrl().Matches(html).Select(m => m.Groups[1].Value).Single(u => u.EndsWith(".csv", StringComparison.Ordinal));
        using var feed = await PublisherSession.Http.GetAsync(new Uri(url).PathAndQuery);
        var csv = await feed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, feed.StatusCode);
        // The demo's in-stock products (the phone case is out of stock), in French, each with the feed's link.
        Assert.Contains("Coque transparente", csv, StringComparison.Ordinal);
        Assert.DoesNotContain("1005006041234567", csv, StringComparison.Ordinal);

        using var bad = await PublisherSession.PostFormAsync("/p/feeds?handler=create", [
            new("Form.Program", "aliexpress-ww"), new("Form.Market", "US"), new("Form.Language", "fr"), new("Form.Format", "xml"),
        ], tokenFrom: "/p/feeds");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("data-field=\"market\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_links_page_reports_the_broken_link_with_suggestions_from_the_same_store()
    {
        var html = await Html(await PublisherSession.GetAsync("/p/links"));
        var broken = html[html.IndexOf("id=\"broken-links\"", StringComparison.Ordinal)..html.IndexOf("</table>", html.IndexOf("id=\"broken-links\"", StringComparison.Ordinal), StringComparison.Ordinal)];
        Assert.Contains(Setup.Links[0].Code, broken, StringComparison.Ordinal);
        Assert.Contains("out of stock", broken, StringComparison.Ordinal);
        Assert.Contains("Clear phone case", broken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Best_sellers_show_as_a_page_and_a_CSV_and_the_checker_names_banned_keywords()
    {
        var html = await Html(await PublisherSession.GetAsync("/p/best-sellers?market=de"));
        Assert.Contains("id=\"best-sellers\"", html, StringComparison.Ordinal);
        using var csv = await PublisherSession.GetAsync("/p/best-sellers?handler=csv&market=DE");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("month,market,rank,product", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var unknown = await PublisherSession.GetAsync("/p/best-sellers?market=US");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        var checker = await Html(await PublisherSession.GetAsync("/p/lists?keywords=" + Uri.EscapeDataString("aliexpress coupon code\nphone case\nalíexpress")));
        Assert.Contains("2 of 3 keywords are banned.", checker, StringComparison.Ordinal);
        Assert.Contains("banned: AliExpress, AliExpress coupon", checker, StringComparison.Ordinal);
        using var download = await PublisherSession.GetAsync("/p/lists?handler=keywords");
        Assert.Contains("Алиэкспресс", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_claim_filed_on_the_page_is_accepted_on_the_operators_page_and_another_declined_with_a_reason()
    {
        var p = Host.Platform;
        var now = p.Clock.GetUtcNow();
        p.Orders.Ingest(new Commissions.Order("m-page", now.AddHours(-2), Common.Currency.Of("EUR"), "DE",
            [new Commissions.OrderLine("l1", "1005006041234568", "Mobile phone accessories", "Case Store", 13.50m, 2, true, null, false, null, "CN")], "no-cookie"), "aliexpress-ww");
        var day = now.UtcDateTime.AddHours(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        async Task<HttpResponseMessage> File(string order) => await PublisherSession.PostFormAsync("/p/claims", [
            new("Form.Program", "aliexpress-ww"), new("Form.OrderId", order), new("Form.OrderDate", day), new("Form.Amount", "27.00"),
            new("Form.Currency", "EUR"), new("Form.Comment", "My reader bought two cases through my review."),
        ], tokenFrom: "/p/claims");
        using (var filed = await File("m-page")) Assert.Equal(HttpStatusCode.Redirect, filed.StatusCode);
        using (var other = await File("never-reported")) Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        var claims = p.Claims.ForPublisher(Demo.PublisherId);

        var queue = await Html(await AdminSession.GetAsync("/o/claims"));
        Assert.Contains("the marketplace has not reported this order", queue, StringComparison.Ordinal);
        var accept = claims.Single(c => c.OrderId == "m-page").Id;
        using (var accepted = await AdminSession.PostFormAsync("/o/claims?handler=accept", [new("claim", $"{accept}"), new("note", "seen in the log")], tokenFrom: "/o/claims"))
        {
            Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        }
        var order = p.Orders.Find("m-page")!;
        Assert.Equal(Demo.PublisherId, order.Publisher);
        Assert.Contains($"claim #{accept} accepted by admin@demo.lastclick.dev: seen in the log", order.Lines[0].Trace[0].Detail, StringComparison.Ordinal);

        var decline = claims.Single(c => c.OrderId == "never-reported").Id;
        using (var refused = await AdminSession.PostFormAsync("/o/claims?handler=accept", [new("claim", $"{decline}")], tokenFrom: "/o/claims"))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode); // no such order: nothing to credit
        }
        using (var declined = await AdminSession.PostFormAsync("/o/claims?handler=decline", [new("claim", $"{decline}"), new("reason", "not_reported")], tokenFrom: "/o/claims"))
        {
            Assert.Equal(HttpStatusCode.Redirect, declined.StatusCode);
        }
        var mine = await Html(await PublisherSession.GetAsync("/p/claims"));
        Assert.Contains("not_reported", mine, StringComparison.Ordinal);
        Assert.Contains("accepted", mine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Operators_edit_the_lists_and_only_an_admin_changes_a_programs_stores()
    {
        using (var added = await AdminSession.PostFormAsync("/o/lists?handler=add", [new("keywords", "cheap aliexpress\nAliExpress Deals")], tokenFrom: "/o/lists"))
        {
            Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        }
        Assert.Contains(Host.Platform.Keywords.All(), k => k.Keyword == "AliExpress Deals");
        using (var stores = await AdminSession.PostFormAsync("/o/lists?handler=stores", [new("program", "aliexpress-ww"), new("stores", "Bad Store\nWorse Store"), new("note", "Q4")],
                   tokenFrom: "/o/lists"))
        {
            Assert.Equal(HttpStatusCode.Redirect, stores.StatusCode);
        }
        var lists = await Html(await PublisherSession.GetAsync("/p/lists"));
        Assert.Contains("Bad Store, Worse Store", lists, StringComparison.Ordinal);

        using var moderator = Host.NewSession();
        await moderator.SignInAsync("moderator@demo.lastclick.dev", Setup.Accounts.Single(a => a.Role == "moderator").Password);
        using var forbidden = await moderator.PostFormAsync("/o/lists?handler=stores", [new("program", "aliexpress-ww"), new("stores", "Mine")], tokenFrom: "/o/lists");
        Assert.False(forbidden.StatusCode == HttpStatusCode.Redirect && forbidden.Headers.Location?.ToString() == "/o/lists", "a moderator's change was taken");
        Assert.DoesNotContain("Mine", await Html(await PublisherSession.GetAsync("/p/lists")), StringComparison.Ordinal);
    }

    [GeneratedRegex("value=\"(http[^\"]+/feeds/[0-9a-f]{32}\\.(?:xml|csv|json))\"")]
    private static partial Regex FeedUrl();
}
