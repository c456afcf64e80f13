using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using LastClick.Replay;
using LastClick.Server;
using LastClick.Tests.Support;

namespace LastClick.Tests.Web;

/// <summary>The dashboard's reports (issue 5): tables by dimension with totals and sorting, CSV download, the problem of a bad parameter in place.</summary>
public sealed partial class ReportPageTests
{
    [Fact]
    public async Task Reports_pages_show_tables_with_totals_and_download_the_same_report_as_CSV()
    {
        await using var host = await WebHost.StartAsync(TemporaryStore.Create());
        var demo = Demo.Seed(host.Platform, host.Passwords);
        using var publisher = host.NewSession();
        await publisher.SignInAsync("publisher@demo.lastclick.dev", demo.Accounts.Single(a => a.Role == "publisher").Password);
        using var admin = host.NewSession();
        await admin.SignInAsync("admin@demo.lastclick.dev", demo.Accounts.Single(a => a.Role == "admin").Password);

        // By link: one row per demo link, the totals row counts every demo click (all within the default 30 days).
        var html = await (await publisher.GetAsync("/p/reports?dimension=link&order_by=-clicks")).Content.ReadAsStringAsync();
        var rows = Row().Matches(html[html.IndexOf("<tbody>", StringComparison.Ordinal)..html.IndexOf("</tbody>", StringComparison.Ordinal)]);
        Assert.Equal(demo.Links.Count, rows.Count);
        var totals = html[html.IndexOf("id=\"report-totals\"", StringComparison.Ordinal)..];
        var clicks = long.Parse(Cell().Matches(totals)[0].Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        Assert.Equal(host.Platform.Store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM clicks WHERE publisher_id = @p", new { p = Demo.PublisherId })), clicks);

        // The CSV behind the page's download link: the same rows and the totals.
        var csvLink = WebUtility.HtmlDecode(Regex.Match(html, "id=\"report-csv\" href=\"([^\"]+)\"").Groups[1].Value);
        using var csv = await publisher.GetAsync(csvLink);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("link,clicks,unique_clicks", lines[0], StringComparison.Ordinal);
        Assert.Equal(demo.Links.Count + 2, lines.Length);
        Assert.StartsWith($"total,{clicks},", lines[^1], StringComparison.Ordinal);

        // A bad parameter: 400 with its field named where the table would be; nothing else on the page breaks.
        using var bad = await publisher.GetAsync("/p/reports?dimension=day&date_start=2026-99-01");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("data-field=\"date_start\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The operator's: by publisher over every publisher; a publisher cannot open it.
        var operatorHtml = await (await admin.GetAsync("/o/reports?dimension=publisher")).Content.ReadAsStringAsync();
        Assert.Contains($"/o/publishers/{Demo.PublisherId}", operatorHtml, StringComparison.Ordinal);
        using var denied = await publisher.GetAsync("/o/reports?dimension=publisher");
        Assert.NotEqual(HttpStatusCode.OK, denied.StatusCode);

        // The overview's top tables link to the full report.
        var overview = await (await publisher.GetAsync("/p")).Content.ReadAsStringAsync();
        Assert.Contains("data-dimension=\"link\"", overview, StringComparison.Ordinal);
        Assert.Contains("/p/reports?dimension=sub1", WebUtility.HtmlDecode(overview), StringComparison.Ordinal);
    }

    [GeneratedRegex("<tr>")]
    private static partial Regex Row();

    [GeneratedRegex("<th class=\"num\">([^<]*)</th>")]
    private static partial Regex Cell();
}
