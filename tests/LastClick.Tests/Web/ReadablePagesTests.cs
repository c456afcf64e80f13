using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastClick.Replay;
using LastClick.Server;
using LastClick.Tests.Support;

namespace LastClick.Tests.Web;

/// <summary>
/// Issue 17's pages as a publisher and an operator read them, over the demo: named links (list, report, API) with the
/// feeds' links kept with their feeds, reports newest first, best sellers with picture, price and rate, a feed form
/// whose choices come from the programs and the catalog, and an operator's first screen on a program with traffic.
/// </summary>
public sealed partial class ReadablePagesTests : DemoSessions
{
    private static async Task<string> Html(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    /// <summary>The element with <paramref name="id"/> up to the end of its table (or the page's end).</summary>
    private static string Table(string html, string id)
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no #{id} on the page");
        var end = html.IndexOf("</table>", start, StringComparison.Ordinal);
        return html[start..(end < 0 ? html.Length : end)];
    }

    [Fact]
    public async Task H2_a_link_has_a_name_in_the_list_the_reports_and_the_API_and_the_feeds_links_stay_with_their_feeds()
    {
        using (var made = await PublisherSession.PostFormAsync("/p/links?handler=create", [
            new("Form.Program", "aliexpress-ww"), new("Form.Destination", "https://www.aliexpress.com/item/1005006041234570.html"),
            new("Form.Name", "  Newsletter 12/2026 "), new("Form.Sub1", "news"),
        ], tokenFrom: "/p/links"))
        {
            Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        }
        var link = Host.Platform.Links.ForPublisher(Demo.PublisherId, 1, 0).Single();
        Assert.Equal("Newsletter 12/2026", link.Name);

        var list = Table(await Html(await PublisherSession.GetAsync("/p/links")), "links");
        Assert.Contains("Newsletter 12/2026", list, StringComparison.Ordinal);
        Assert.Contains("Phone case review", list, StringComparison.Ordinal);
        var feed = Host.Platform.Feeds.ForPublisher(Demo.PublisherId).Single();
        Assert.DoesNotContain(feed.Code, list, StringComparison.Ordinal);
        Assert.Contains($"/p/links/{feed.Code}", await Html(await PublisherSession.GetAsync("/p/feeds")), StringComparison.Ordinal);

        // The report by link and the overview's top links read names, each linking to its link.
        var report = Table(await Html(await PublisherSession.GetAsync("/p/reports?dimension=link")), "report");
        Assert.Contains($"<a href=\"/p/links/{Setup.Links[0].Code}\" title=\"{Setup.Links[0].Code}\">Phone case review</a>", report, StringComparison.Ordinal);
        Assert.Contains("Phone case review", await Html(await PublisherSession.GetAsync("/p")), StringComparison.Ordinal);

        // Renamed on the link's page; a name too long is named and changes nothing; an emptied field removes the name.
        using (var tooLong = await PublisherSession.PostFormAsync($"/p/links/{link.Code}", [
            new("name", new string('n', 101)), new("destination", link.Destination), new("sub1", "news"),
        ], tokenFrom: $"/p/links/{link.Code}"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
            Assert.Contains("data-field=\"name\"", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal("Newsletter 12/2026", Host.Platform.Links.Find(link.Code)!.Name);
        using (var cleared = await PublisherSession.PostFormAsync($"/p/links/{link.Code}", [new("name", ""), new("destination", link.Destination), new("sub1", "news")],
            tokenFrom: $"/p/links/{link.Code}"))
        {
            Assert.Equal(HttpStatusCode.Redirect, cleared.StatusCode);
        }
        Assert.Null(Host.Platform.Links.Find(link.Code)!.Name);

        // The API: a name on create, shown on read, removed by null; left out, it stays.
        using var api = new HttpClient { BaseAddress = new Uri(Host.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", Setup.PublisherKey);
        using var created = await api.PostAsJsonAsync("/api/v1/links", new { program = "aliexpress-ww", destination = "https://www.aliexpress.com/", name = "Footer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("link").GetProperty("code").GetString()!;
        Assert.Equal("Footer", await ApiName(api, code));
        using (await api.PatchAsJsonAsync($"/api/v1/links/{code}", new { sub1 = "footer" })) Assert.Equal("Footer", await ApiName(api, code));
        using (var removed = await api.PatchAsync($"/api/v1/links/{code}", JsonContent.Create(JsonDocument.Parse("{\"name\":null}").RootElement)))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }
        Assert.Null(await ApiName(api, code));
        using var control = await api.PostAsJsonAsync("/api/v1/links", new { program = "aliexpress-ww", destination = "https://www.aliexpress.com/", name = "a\u0007b" });
        Assert.Equal(HttpStatusCode.BadRequest, control.StatusCode);
        Assert.Equal("name", JsonDocument.Parse(await control.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
    }

    private static async Task<string?> ApiName(HttpClient api, string code)
    {
        var link = JsonDocument.Parse(await api.GetStringAsync($"/api/v1/links/{code}")).RootElement.GetProperty("link");
        return link.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
    }

    [Fact]
    public async Task H2_the_reports_page_opens_on_the_latest_day_and_sorting_by_day_turns_it_around()
    {
        static List<string> Days(string html) => [.. DayCell().Matches(Table(html, "report")).Select(m => m.Groups[1].Value)];

        var newest = Days(await Html(await PublisherSession.GetAsync("/p/reports")));
        Assert.Equal(20, newest.Count);
        Assert.Equal([.. newest.OrderDescending(StringComparer.Ordinal)], newest);
        var today = Reports.Reports.Today(Host.Platform.Clock.GetUtcNow(), TimeZoneInfo.Utc).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(today, newest[0]);

        var oldest = Days(await Html(await PublisherSession.GetAsync("/p/reports?order_by=day")));
        Assert.Equal([.. oldest.Order(StringComparer.Ordinal)], oldest);
        Assert.True(string.CompareOrdinal(oldest[0], newest[^1]) < 0);
        // The CSV keeps the API's order: oldest first.
        var csv = await (await PublisherSession.GetAsync("/p/reports?handler=csv&dimension=day")).Content.ReadAsStringAsync();
        var csvDays = csv.Split("\r\n").Skip(1).Where(l => l.Length > 0 && char.IsDigit(l[0])).Select(l => l[..10]).ToList();
        Assert.Equal([.. csvDays.Order(StringComparer.Ordinal)], csvDays);
    }

    [Fact]
    public async Task G4_best_sellers_show_the_products_picture_title_price_and_the_publishers_rate()
    {
        var html = await Html(await PublisherSession.GetAsync("/p/best-sellers?market=DE"));
        var table = Table(html, "best-sellers");
        var rows = ProductRow().Matches(table).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(rows);
        var first = table[table.IndexOf($"data-product=\"{rows[0]}\"", StringComparison.Ordinal)..];
        first = first[..first.IndexOf("</tr>", StringComparison.Ordinal)];
        var product = Host.Platform.Catalog.Find(rows[0])!.Product;
        Assert.Contains($"<img src=\"{product.Images[0]}\"", first, StringComparison.Ordinal);
        Assert.Contains(product.Texts.Single(t => t.Language == "en").Title, first, StringComparison.Ordinal);
        Assert.Contains(product.Price.ToString("N2", CultureInfo.InvariantCulture) + " EUR", first, StringComparison.Ordinal);
        // The rate a feed item of it carries: the same rules, for this publisher.
        var feed = Host.Platform.Feeds.ForPublisher(Demo.PublisherId).Single();
        var item = Host.Platform.Feeds.Items(feed with { Market = "DE", Filter = new Products.FeedFilter() }, "http://x").Single(i => i.Id == rows[0]);
        Assert.True(item.Rate > 0);
        Assert.Contains((item.Rate * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task G2_the_feed_form_offers_its_programs_markets_and_languages_and_the_catalogs_categories_and_stores()
    {
        var html = await Html(await PublisherSession.GetAsync("/p/feeds"));
        var form = html[html.IndexOf("id=\"feed-form\"", StringComparison.Ordinal)..html.IndexOf("</form>", html.IndexOf("id=\"feed-form\"", StringComparison.Ordinal), StringComparison.Ordinal)];
        foreach (var program in Host.Platform.Programs.All)
        {
            var markets = Select(form, "feed-market");
            var group = markets[markets.IndexOf($"data-program=\"{program.Id}\"", StringComparison.Ordinal)..];
            group = group[..group.IndexOf("</optgroup>", StringComparison.Ordinal)];
            Assert.Equal(program.Markets, OptionValue().Matches(group).Select(m => m.Groups[1].Value));
            var languages = Select(form, "feed-language");
            var lgroup = languages[languages.IndexOf($"data-program=\"{program.Id}\"", StringComparison.Ordinal)..];
            lgroup = lgroup[..lgroup.IndexOf("</optgroup>", StringComparison.Ordinal)];
            Assert.Equal(program.Languages, OptionValue().Matches(lgroup).Select(m => m.Groups[1].Value));
        }
        // The catalog's categories (most products first) and stores; no free text for either.
        var categories = OptionValue().Matches(Select(form, "feed-category")).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["", "Mobile phone accessories", "Garden supplies", "Computer peripherals", "Women's clothing"], categories);
        Assert.Contains("<option value=\"Case Store\">", form, StringComparison.Ordinal);
        // A program, market and language chosen for the publisher: the demo publisher names no target countries, so the
        // program it has most links in (three of its four are Global's), its first market, and the page's language
        // (English) as the program's feeds are in it. Countries and languages are named in the page's language.
        Assert.Contains("<option value=\"aliexpress-ww\" selected=\"selected\">", Select(form, "feed-program"), StringComparison.Ordinal);
        var global = Host.Platform.Programs.Get("aliexpress-ww");
        Assert.Contains($"<option value=\"{global.Markets[0]}\" selected=\"selected\">", Select(form, "feed-market"), StringComparison.Ordinal);
        Assert.Contains("<option value=\"DE\">Germany (DE)</option>", form, StringComparison.Ordinal);
        using (var french = await PublisherSession.PostFormAsync("/language", [new("language", "fr"), new("back", "/p/feeds")], tokenFrom: "/p/feeds"))
        {
            Assert.Equal(HttpStatusCode.Redirect, french.StatusCode);
        }
        var inFrench = await Html(await PublisherSession.GetAsync("/p/feeds"));
        Assert.Contains("<option value=\"DE\">Allemagne (DE)</option>", inFrench, StringComparison.Ordinal);
        // ... and the feed's language follows the page's where the program has it.
        Assert.Contains("<option value=\"fr\" selected=\"selected\">français (fr)</option>", inFrench, StringComparison.Ordinal);

        // A refused field in French: its label and the core's sentence translated, the values kept; every text the
        // translator may use exists in every language.
        using var refused = await PublisherSession.PostFormAsync("/p/feeds?handler=create", [
            new("Form.Program", "aliexpress-ww"), new("Form.Market", "US"), new("Form.Language", "fr"), new("Form.Format", "xml"),
        ], tokenFrom: "/p/feeds");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await Html(refused);
        problem = problem[problem.IndexOf("class=\"problem\"", StringComparison.Ordinal)..];
        problem = problem[..problem.IndexOf("</p>", StringComparison.Ordinal)];
        Assert.Contains($"<strong>Marché</strong>: aliexpress-ww dessert {string.Join(", ", global.Markets)}", problem, StringComparison.Ordinal);
        var resources = new System.Resources.ResourceManager("LastClick.Resources.Web.Text", typeof(LastClick.Web.Text).Assembly);
        foreach (var culture in new[] { "fr", "pt", "es", "ru" })
        {
            foreach (var key in LastClick.Web.ProblemText.Texts)
            {
                Assert.True(resources.GetResourceSet(new CultureInfo(culture), true, false)?.GetString(key) is { Length: > 0 }, $"{culture}: {key}");
            }
        }
        Assert.Contains("<option value=\"en\" selected=\"selected\">", Select(form, "feed-language"), StringComparison.Ordinal);
    }

    private static string Select(string html, string id)
    {
        var start = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no #{id}");
        return html[start..html.IndexOf("</select>", start, StringComparison.Ordinal)];
    }

    [Fact]
    public async Task The_operators_first_screen_opens_on_the_program_with_the_most_clicks_with_words_for_statuses()
    {
        var busiest = Host.Platform.Store.Read(s => s.Query<(string Program, long Clicks)>(
            "SELECT program_id, COUNT(*) FROM clicks GROUP BY program_id ORDER BY COUNT(*) DESC, program_id LIMIT 1")).Single().Program;
        var html = await Html(await AdminSession.GetAsync("/o"));
        Assert.Matches($"<option value=\"{Regex.Escape(busiest)}\" selected=\"selected\">", html);
        Assert.Contains("data-status=\"pending\"><div class=\"label\"><span class=\"code\" data-code=\"pending\"", html, StringComparison.Ordinal);
        // Top publishers by name, linking to the publisher.
        var name = Host.Platform.Applications.Find(Demo.PublisherId)?.Profile?.ContactName;
        if (name is not null) Assert.Contains($">{name}</a>", html, StringComparison.Ordinal);
        Assert.Contains($"/o/publishers/{Demo.PublisherId}", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("<time datetime=\"(\\d{4}-\\d{2}-\\d{2})\">")]
    private static partial Regex DayCell();

    [GeneratedRegex("data-product=\"([^\"]+)\"")]
    private static partial Regex ProductRow();

    [GeneratedRegex("<option value=\"([^\"]*)\"")]
    private static partial Regex OptionValue();
}
