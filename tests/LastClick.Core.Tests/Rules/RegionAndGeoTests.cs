using LastClick.Commissions;
using LastClick.Geo;
using LastClick.Tracking;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Rules;

public sealed class RegionAndGeoTests
{
    public static readonly TheoryData<string> CisCountries = new() { "RU", "AM", "AZ", "BY", "GE", "KZ", "KG", "MD", "TJ", "TM", "UZ" };

    [Theory]
    [MemberData(nameof(CisCountries))]
    public void A3_global_pays_seller_rates_for_cis_deliveries(string country)
    {
        var line = OneLine(Order(country: country, lines: Line(category: "Mobile phones", sellerRate: 0.12m)), Ww);
        Assert.Equal(0.12m, line.Rate);
        Assert.Contains(line.Trace, t => t.Rule == "seller_rate");
    }

    [Theory]
    [InlineData("DE")]
    [InlineData("UA")]
    [InlineData("US")]
    public void A3_global_pays_its_category_table_outside_the_cis(string country)
    {
        var line = OneLine(Order(country: country, lines: Line(category: "Mobile phones", sellerRate: 0.12m)), Ww);
        Assert.Equal(0.024m, line.Rate);
    }

    [Theory]
    [MemberData(nameof(CisCountries))]
    public void A3_cis_program_pays_deliveries_to_the_cis(string country)
    {
        var line = OneLine(Order(country: country, lines: Line(sellerRate: 0.05m)), Cis);
        Assert.Equal(0.05m, line.Rate);
        Assert.Null(line.Reason);
    }

    [Theory]
    [InlineData("UA")]
    [InlineData("DE")]
    [InlineData("PL")]
    public void A3_cis_program_pays_nothing_outside_the_cis_ukraine_included(string country)
    {
        var line = OneLine(Order(country: country, lines: Line(sellerRate: 0.05m)), Cis);
        Assert.Equal(0m, line.Exact);
        Assert.Equal(Commission.Reasons.OutsideProgramRegion, line.Reason);
    }

    [Fact]
    public void A4_geo_match_the_click_ip_country_must_be_the_delivery_country()
    {
        var order = Order(country: "KZ", lines: Line(sellerRate: 0.05m));
        var matching = OneLine(order, Cis, Click(country: "KZ"));
        var mismatch = OneLine(order, Cis, Click(country: "DE"));
        var unknown = OneLine(order, Cis, Click(country: null));

        Assert.Null(matching.Reason);
        Assert.Equal(Commission.Reasons.GeoMismatch, mismatch.Reason);
        Assert.Equal(Commission.Reasons.GeoMismatch, unknown.Reason);
    }

    [Fact]
    public void A4_seed_example_a_cis_buyer_clicking_from_a_non_cis_ip_earns_zero()
    {
        // 002: "if, when clicking on the partner link, a buyer from the CIS used the IP of a non-CIS country,
        // then zero commission will be charged for such an order."
        var cls = ClickClassifier.Default.Classify("81.2.69.142", "Mozilla/5.0 Firefox/128.0");
        var commission = Compute(Order(country: "RU", lines: Line(sellerRate: 0.1m, price: 5000m)), Cis, Click(country: cls.Country));
        Assert.Equal("GB", cls.Country);
        Assert.Equal(0m, commission.Total);
        Assert.Equal(Commission.Reasons.GeoMismatch, commission.Lines[0].Reason);
    }

    [Fact]
    public void A4_global_program_does_not_require_geo_match()
    {
        Assert.Null(OneLine(Order(country: "DE"), Ww, Click(country: "US")).Reason);
    }

    [Theory]
    [InlineData("81.2.69.142", "GB")]
    [InlineData("77.88.8.8", "RU")]
    [InlineData("2.72.0.1", "KZ")]
    [InlineData("178.120.0.1", "BY")]
    [InlineData("8.8.8.8", "US")]
    [InlineData("2a02:6b8::1", "RU")]
    [InlineData("2001:4860:4860::8888", "US")]
    [InlineData("::ffff:77.88.8.8", "RU")]
    public void A4_ip_country_comes_from_the_shipped_database_v4_and_v6(string ip, string country)
    {
        Assert.Equal(country, IpIntelligence.Default.Lookup(ip).Country);
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("not-an-ip")]
    [InlineData(null)]
    public void A4_private_or_malformed_addresses_have_no_country(string? ip)
    {
        Assert.Null(IpIntelligence.Default.Lookup(ip).Country);
    }

    [Theory]
    [InlineData("52.95.110.1", 16509u)]
    [InlineData("88.198.0.1", 24940u)]
    [InlineData("167.99.0.1", 14061u)]
    [InlineData("5.8.72.1", 49505u)]
    [InlineData("2a01:4f8::1", 24940u)]
    public void A5_hosting_and_vpn_networks_are_known_by_asn(string ip, uint asn)
    {
        var info = IpIntelligence.Default.Lookup(ip);
        Assert.Equal(asn, info.Asn);
        Assert.True(info.Anonymizer);
    }

    [Theory]
    [InlineData("213.87.0.1")]
    [InlineData("178.120.0.1")]
    [InlineData("81.2.69.142")]
    public void A5_residential_and_mobile_networks_are_not_anonymizers(string ip)
    {
        Assert.False(IpIntelligence.Default.Lookup(ip).Anonymizer);
    }

    [Fact]
    public void A5_a_click_through_a_vpn_or_hosting_network_earns_nothing_in_the_cis_program()
    {
        var cls = ClickClassifier.Default.Classify("5.8.72.1", "Mozilla/5.0 Firefox/128.0");
        var line = OneLine(Order(country: "RU", lines: Line(sellerRate: 0.05m)), Cis, Click(country: cls.Country, anonymizer: cls.Anonymizer));

        Assert.Equal("RU", cls.Country);
        Assert.True(cls.Anonymizer);
        Assert.Equal(Commission.Reasons.Anonymizer, line.Reason);
        Assert.Equal(0m, line.Exact);
    }

    [Fact]
    public void A5_the_global_program_pays_anonymized_clicks()
    {
        Assert.Null(OneLine(Order(country: "DE"), Ww, Click(country: "DE", anonymizer: true)).Reason);
    }

    [Theory]
    [InlineData("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", true)]
    [InlineData("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", true)]
    [InlineData("curl/8.5.0", true)]
    [InlineData("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", true)]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", false)]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", false)]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", false)]
    public void A6_known_bot_user_agents_are_invalid_traffic(string userAgent, bool bot)
    {
        Assert.Equal(bot ? InvalidReasons.Bot : null, ClickClassifier.Default.Classify("81.2.69.142", userAgent).InvalidReason);
    }

    [Theory]
    [InlineData(@"Googlebot\/", "Googlebot/")]
    [InlineData(@"Mediapartners-Google", "Mediapartners-Google")]
    [InlineData(@"^curl", null)]
    [InlineData(@"[wW]get", null)]
    [InlineData(@"BlogTraffic\/\d\.\d+", null)]
    public void A6_plain_text_patterns_are_searched_as_text_and_the_rest_as_expressions(string pattern, string? literal)
    {
        Assert.Equal(literal, BotDetector.AsLiteral(pattern));
    }
}
