using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LastClick.Access;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Tests.Support;
using LastClick.Tracking;

namespace LastClick.Tests.Server;

/// <summary>The report API over HTTP (issue 5): Admitad's parameters, totals, paging, sorting, CSV, and one publisher never seeing another's rows.</summary>
public sealed class ReportApiTests : IAsyncLifetime
{
    private WebHost _host = null!;
    private string _anna = "", _boris = "", _operator = "";

    public async Task InitializeAsync()
    {
        _host = await WebHost.StartAsync();
        var p = _host.Platform;
        var now = p.Clock.GetUtcNow();
        foreach (var (publisher, subs) in new[] { ("anna", new[] { "news", "news", "news", "blog", "=cmd" }), ("boris", new[] { "secret-sub" }) })
        {
            p.Publishers.Upsert(new Publishers.Publisher(publisher, "content", null, true));
            for (var i = 0; i < subs.Length; i++)
            {
                p.Tracking.RecordClick(new Click($"{publisher}-c{i}", "aliexpress-ww", publisher, $"{publisher}-v{i}", now.AddHours(-2), "81.2.69.142",
                    "Mozilla/5.0 Firefox/128.0", null, $"{publisher}-link", subs[i]));
            }
            p.Orders.Ingest(new Order($"{publisher}-o", now.AddHours(-1), Currency.Of("USD"), "DE",
                [new OrderLine("l1", "1", "Mobile phone accessories", null, 100m, 1, true, null, false, null, "CN")], $"{publisher}-v0"), "aliexpress-ww");
        }
        _anna = p.Keys.Create(KeyRole.Publisher, "anna", "reports");
        _boris = p.Keys.Create(KeyRole.Publisher, "boris", "reports");
        _operator = p.Keys.Create(KeyRole.Operator, null, "reports");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> Get(string key, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var session = _host.NewSession();
        var response = await session.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [Fact]
    public async Task H1_a_publishers_report_by_sub1_sorted_paged_with_totals_and_meta()
    {
        var (status, body, _) = await Get(_anna, "/api/v1/reports/sub1?order_by=-clicks&limit=2&offset=0");
        Assert.Equal(HttpStatusCode.OK, status);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["news", "=cmd"], results.Select(r => r.GetProperty("sub1").GetString()));
        Assert.Equal(3, results[0].GetProperty("clicks").GetInt64());
        Assert.Equal(1, results[0].GetProperty("orders").GetInt64());
        Assert.Equal(5, root.GetProperty("totals").GetProperty("clicks").GetInt64());
        Assert.Equal(3, root.GetProperty("_meta").GetProperty("count").GetInt32());
        Assert.Equal(2, root.GetProperty("_meta").GetProperty("limit").GetInt32());
        Assert.Equal("USD", root.GetProperty("currency").GetString());
        Assert.DoesNotContain("secret-sub", body, StringComparison.Ordinal);

        var next = JsonDocument.Parse((await Get(_anna, "/api/v1/reports/sub1?order_by=-clicks&limit=2&offset=2")).Body).RootElement;
        Assert.Equal(["blog"], next.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("sub1").GetString()));

        var filtered = JsonDocument.Parse((await Get(_anna, "/api/v1/reports/day?subid1=news&time_zone=Europe/Berlin")).Body).RootElement;
        Assert.Equal(3, filtered.GetProperty("totals").GetProperty("clicks").GetInt64());
        Assert.Equal("Europe/Berlin", filtered.GetProperty("time_zone").GetString());
        Assert.Equal(30, filtered.GetProperty("_meta").GetProperty("count").GetInt32()); // every day of the default 30, zeros included
    }

    [Fact]
    public async Task H1_CSV_has_the_JSONs_columns_a_totals_row_and_no_formulas()
    {
        var (status, body, response) = await Get(_anna, "/api/v1/reports/sub1?format=csv");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString() ?? "", StringComparison.Ordinal);
        using var reader = new CsvHelper.CsvReader(new StringReader(body), CultureInfo.InvariantCulture);
        var rows = reader.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
        var json = JsonDocument.Parse((await Get(_anna, "/api/v1/reports/sub1")).Body).RootElement;
        // The CSV's columns are the JSON's fields (the dimension first in the CSV; JSON objects have no order).
        Assert.Equal(json.GetProperty("results")[0].EnumerateObject().Select(p => p.Name).Append("currency").Order(StringComparer.Ordinal), rows[0].Keys.Order(StringComparer.Ordinal));
        Assert.Equal("sub1", rows[0].Keys.First());
        Assert.Equal(["news", "'=cmd", "blog", "total"], rows.Select(r => (string)r["sub1"]));
        Assert.Equal("5", rows[^1]["clicks"]);
        Assert.Equal(json.GetProperty("totals").GetProperty("commission").GetString(), rows[^1]["commission"]);
    }

    [Fact]
    public async Task A_publisher_never_sees_another_publishers_rows_even_when_filtering_by_its_link()
    {
        var (_, body, _) = await Get(_boris, "/api/v1/reports/link?link=anna-link");
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal(0, root.GetProperty("totals").GetProperty("clicks").GetInt64());
        Assert.DoesNotContain("anna", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get(_boris, "/api/v1/reports/publisher")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Get(_boris, "/api/v1/reports/day?publisher=anna")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(_boris, "/api/v1/operator/reports/publisher")).Status);
    }

    [Fact]
    public async Task The_operators_report_covers_every_publisher_and_bad_parameters_are_named()
    {
        var root = JsonDocument.Parse((await Get(_operator, "/api/v1/operator/reports/publisher?order_by=publisher")).Body).RootElement;
        Assert.Equal([("anna", 5L), ("boris", 1L)], root.GetProperty("results").EnumerateArray()
            .Select(r => (r.GetProperty("publisher").GetString()!, r.GetProperty("clicks").GetInt64())));
        Assert.Equal(2, root.GetProperty("totals").GetProperty("orders").GetInt64());

        var (status, body, _) = await Get(_operator, "/api/v1/operator/reports/sub1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("publisher", JsonDocument.Parse(body).RootElement.GetProperty("field").GetString());
        Assert.Equal(3, JsonDocument.Parse((await Get(_operator, "/api/v1/operator/reports/sub1?publisher=anna")).Body).RootElement
            .GetProperty("_meta").GetProperty("count").GetInt32());
        foreach (var (query, field) in new[] { ("date_start=31.02.2026", "date_start"), ("limit=1000", "limit"), ("utm=1", "utm"), ("format=xml", "format") })
        {
            var bad = await Get(_operator, $"/api/v1/operator/reports/day?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
            Assert.Equal(field, JsonDocument.Parse(bad.Body).RootElement.GetProperty("field").GetString());
        }
    }
}
