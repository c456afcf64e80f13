using System.Net;
using System.Text.Json;
using LastClick.Replay;
using LastClick.Server;
using LastClick.Tests.Support;

namespace LastClick.Tests.Web;

/// <summary>
/// H3 and H4 on the dashboard and the API over the demo: the quality page, its CSV and the API agree; the forecast on the
/// balance page, the payouts page and the API; each side sees only what it may.
/// </summary>
public sealed class QualityPageTests : DemoSessions
{
    /// <summary>An amount as the API writes it: a decimal string.</summary>
    private static decimal Dec(JsonElement e) => decimal.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    private HttpClient Api(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(Host.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return http;
    }

    [Fact]
    public async Task H3_the_publishers_quality_page_its_CSV_and_the_API_show_the_same_categories()
    {
        using var api = Api(Setup.PublisherKey);
        var json = JsonDocument.Parse(await api.GetStringAsync("/api/v1/quality/category")).RootElement;
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        var orders = Host.Platform.Store.Read(s => s.Scalar<long>("SELECT COUNT(*) FROM orders WHERE publisher_id = @p AND payout_currency = @c",
            new { p = Demo.PublisherId, c = json.GetProperty("currency").GetString() }));
        Assert.Equal(orders, json.GetProperty("totals").GetProperty("orders").GetInt64());

        var html = WebUtility.HtmlDecode(await (await PublisherSession.GetAsync("/p/quality")).Content.ReadAsStringAsync());
        Assert.Contains("id=\"quality-chart\"", html, StringComparison.Ordinal);
        foreach (var row in rows) Assert.Contains($"data-key=\"{row.GetProperty("key").GetString()}\"", html, StringComparison.Ordinal);

        using var csv = await PublisherSession.GetAsync("/p/quality?handler=csv&dimension=category");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("category,orders,approved,declined", lines[0], StringComparison.Ordinal);
        Assert.Equal(rows.Count + 2, lines.Length);
        Assert.StartsWith($"total,{orders},", lines[^1], StringComparison.Ordinal);

        // Every dimension answers; a bad month is named and a publisher cannot ask for another publisher.
        foreach (var dimension in new[] { "store", "market", "month" })
        {
            using var page = await PublisherSession.GetAsync($"/p/quality?dimension={dimension}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        using var bad = await PublisherSession.GetAsync("/p/quality?date_start=2026-13");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("data-field=\"date_start\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var other = await api.GetAsync("/api/v1/quality/category?publisher=someone-else");
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        using var unknown = await api.GetAsync("/api/v1/quality/category?sub1=x");
        Assert.Equal("sub1", JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        using var byPublisher = await api.GetAsync("/api/v1/quality/publisher");
        Assert.Equal(HttpStatusCode.BadRequest, byPublisher.StatusCode);
    }

    [Fact]
    public async Task H3_the_operator_sees_quality_by_publisher_and_a_publisher_key_cannot()
    {
        using var api = Api(Setup.OperatorKey);
        var json = JsonDocument.Parse(await api.GetStringAsync("/api/v1/operator/quality/publisher")).RootElement;
        Assert.Contains(json.GetProperty("rows").EnumerateArray(), r => r.GetProperty("key").GetString() == Demo.PublisherId);
        var html = WebUtility.HtmlDecode(await (await AdminSession.GetAsync("/o/quality?dimension=publisher")).Content.ReadAsStringAsync());
        Assert.Contains($"data-key=\"{Demo.PublisherId}\"", html, StringComparison.Ordinal);
        using var publisherKey = Api(Setup.PublisherKey);
        using var denied = await publisherKey.GetAsync("/api/v1/operator/quality/publisher");
        Assert.NotEqual(HttpStatusCode.OK, denied.StatusCode);
        using var page = await PublisherSession.GetAsync("/o/quality");
        Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task H4_the_forecast_answers_on_the_API_the_balance_page_and_the_operators_payouts()
    {
        using var api = Api(Setup.PublisherKey);
        var json = JsonDocument.Parse(await api.GetStringAsync("/api/v1/forecast")).RootElement;
        Assert.Equal(12, json.GetProperty("weeks").GetArrayLength());
        var open = Dec(json.GetProperty("pending")) + Dec(json.GetProperty("confirmed")) + Dec(json.GetProperty("payable"));
        Assert.True(open > 0);
        var survives = json.GetProperty("survives");
        Assert.InRange(Dec(survives.GetProperty("expected")), Dec(survives.GetProperty("low")), Dec(survives.GetProperty("high")));
        using var six = await api.GetAsync("/api/v1/forecast?weeks=6");
        Assert.Equal(6, JsonDocument.Parse(await six.Content.ReadAsStringAsync()).RootElement.GetProperty("weeks").GetArrayLength());
        using var bad = await api.GetAsync("/api/v1/forecast?weeks=99");
        Assert.Equal("weeks", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());

        var balance = WebUtility.HtmlDecode(await (await PublisherSession.GetAsync("/p/balance")).Content.ReadAsStringAsync());
        Assert.Contains("id=\"forecast-chart\"", balance, StringComparison.Ordinal);

        using var operatorApi = Api(Setup.OperatorKey);
        var liability = JsonDocument.Parse(await operatorApi.GetStringAsync("/api/v1/operator/forecast?program=aliexpress-ww")).RootElement;
        Assert.True(Dec(liability.GetProperty("pending")) + Dec(liability.GetProperty("confirmed")) + Dec(liability.GetProperty("payable")) >= open - 0.01m
            || liability.GetProperty("currency").GetString() != json.GetProperty("currency").GetString());
        using (var empty = await operatorApi.GetAsync("/api/v1/operator/forecast?publisher="))
        {
            Assert.Equal("publisher", JsonDocument.Parse(await empty.Content.ReadAsStringAsync()).RootElement.GetProperty("field").GetString());
        }
        using (var nobody = await operatorApi.GetAsync("/api/v1/operator/forecast?publisher=nobody"))
        {
            Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
        }
        var payouts = WebUtility.HtmlDecode(await (await AdminSession.GetAsync("/o/payouts?program=aliexpress-ww")).Content.ReadAsStringAsync());
        Assert.Contains("id=\"liability\"", payouts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task E5_the_ranking_takes_a_period_and_shows_each_publishers_quality_beside_its_score()
    {
        var html = WebUtility.HtmlDecode(await (await AdminSession.GetAsync("/o/ranking?days=30")).Content.ReadAsStringAsync());
        Assert.Contains("<option value=\"30\" selected=\"selected\">", html, StringComparison.Ordinal);
        var row = html[html.IndexOf($"data-publisher=\"{Demo.PublisherId}\"", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        var month = Reports.QualityRollup.MonthOf(DateOnly.FromDateTime(Host.Platform.Clock.GetUtcNow().UtcDateTime));
        var quality = Reports.QualityReport.Run(Host.Platform.Store, new Reports.QualityQuery("publisher", null, null, month - 1, month, null, 1000))
            .Rows.Single(r => r.Key == Demo.PublisherId);
        Assert.NotNull(quality.PaysPer100);
        Assert.Contains($">{quality.PaysPer100!.Value:N2}<", row, StringComparison.Ordinal);
        // A period the page does not offer falls back to 90 days.
        var odd = WebUtility.HtmlDecode(await (await AdminSession.GetAsync("/o/ranking?days=7")).Content.ReadAsStringAsync());
        Assert.Contains("<option value=\"90\" selected=\"selected\">", odd, StringComparison.Ordinal);
    }
}
