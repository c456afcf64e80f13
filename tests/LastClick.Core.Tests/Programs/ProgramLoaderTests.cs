using System.Text.Json;
using LastClick.Common;
using LastClick.Programs;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Programs;

public sealed class ProgramLoaderTests
{
    [Fact]
    public void Both_aliexpress_programs_are_built_in_and_valid()
    {
        Assert.Equal(["aliexpress-cis", "aliexpress-ww"], Catalog.All.Select(p => p.Id).Order());
    }

    [Fact]
    public void The_global_definition_holds_every_rule_of_the_seed_and_product_md()
    {
        var p = Ww;
        Assert.Equal(["CIS"], p.Regions.Keys);
        Assert.Equal(11, p.Regions["CIS"].Count);
        Assert.DoesNotContain("UA", p.Regions["CIS"]);
        Assert.Equal(13, p.CategoryRates.Count);
        Assert.Equal(["specialty-electronics", "chuwi"], p.StoreLists.Select(l => l.Id));
        Assert.Equal(38.00m, p.OrderCap);
        Assert.Equal(new RateBounds(0.004m, 0.69m), p.SellerRateBounds);
        Assert.DoesNotContain("dropshipping", p.Eligibility.Affiliated);
        Assert.Equal(["dropshipping"], p.Eligibility.NonAffiliated);
        Assert.Equal(("USD", 0, 15.00m), (p.PayoutCurrencyAt(T("2026-01-01T00:00:00Z")).Code, p.HoldDays, p.Payout.Thresholds["USD"]));
        Assert.Equal(200, p.AutoAcceptRanking);
        Assert.Equal(["RO", "BG", "PL", "SI", "SK", "CZ", "HU", "DE", "FR", "ES", "PT", "GB"], p.Markets);
    }

    [Fact]
    public void The_cis_definition_holds_every_rule_of_the_seed_and_product_md()
    {
        var p = Cis;
        Assert.True(p.GeoMatch);
        Assert.False(p.AnonymizersPay);
        Assert.Equal(["Eat!"], p.ExcludedSections);
        Assert.Null(p.OrderCap);
        Assert.Equal(T("2024-08-16T00:00:00Z"), Assert.Single(p.Campaigns).From);
        Assert.Equal(1000.00m, p.Payout.Thresholds["RUB"]);
        Assert.Equal(RateSource.None, p.RuleFor("UA")!.Rates);
    }

    [Fact]
    public void Programs_show_prints_category_rates_as_decimal_fractions()
    {
        using var doc = JsonDocument.Parse(ProgramCatalog.ToJson(Ww));
        var rates = doc.RootElement.GetProperty("categoryRates");
        Assert.Equal(0.056m, rates.GetProperty("Mobile phone accessories").GetDecimal());
        Assert.Equal(0.072m, rates.GetProperty("All other categories").GetDecimal());
        Assert.Equal("aliexpress-ww", doc.RootElement.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("\"cookieWindowDays\": 3", "\"cookieWindowDays\": 0", "cookieWindowDays: must be between 1 and 365")]
    [InlineData("\"Mobile phones\": \"0.024\"", "\"Mobile phones\": \"2.4%\"", "categoryRates.Mobile phones: not a decimal")]
    [InlineData("\"Mobile phones\": \"0.024\"", "\"Mobile phones\": \"2.4\"", "categoryRates.Mobile phones: must be a fraction between 0 and 1 (0.056 for 5.6%)")]
    [InlineData("\"region\": \"CIS\"", "\"region\": \"EU\"", "deliveryRules[0].region: unknown region 'EU'")]
    [InlineData("\"orderCap\": \"38.00\"", "\"orderCap\": \"-1\"", "orderCap: must not be negative")]
    [InlineData("\"weekday\": \"Friday\"", "\"weekday\": \"Freitag\"", "payout.weekday: must be a day of the week (Monday … Sunday)")]
    [InlineData("\"thresholds\": { \"USD\": \"15.00\" }", "\"thresholds\": { \"EUR\": \"15.00\" }", "payout.thresholds: has no threshold for the payout currency USD")]
    [InlineData("\"nonAffiliated\": [\"dropshipping\"]", "\"nonAffiliated\": [\"tiktok\"]", "eligibility.nonAffiliated[0]: unknown traffic type (one of content, coupon, cashback, price_comparison, social, email, paid_search, dropshipping, browser_extension)")]
    [InlineData("\"id\": \"aliexpress-ww\"", "\"id\": \"AliExpress WW\"", "id: must be lowercase letters, digits and dashes")]
    [InlineData("\"holdDays\": 0", "\"holdDays\": 0, \"colour\": \"red\"", "colour: is not a known field")]
    [InlineData("\"model\": \"CPS\",", "", "model: is required")]
    [InlineData("\"currency\": \"USD\" } ]", "\"currency\": \"XYZ\" } ]", "currency.payout[0].currency: unknown currency 'XYZ'")]
    [InlineData("\"trustpilotStars\": \"2.2\"", "\"trustpilotStars\": \"6\"", "scorecard.trustpilotStars: must be between 1 and 5")]
    [InlineData("\"support\": \"5\"", "\"supprt\": \"5\"", "scorecard.scores.supprt: is not a known field")]
    public void A_malformed_definition_names_the_first_wrong_field(string find, string replace, string message)
    {
        var json = BuiltInJson("aliexpress-ww");
        Assert.Contains(find, json, StringComparison.Ordinal);
        var e = Assert.Throws<ProblemException>(() => ProgramLoader.Parse(json.Replace(find, replace, StringComparison.Ordinal)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_definition_that_is_not_json_says_where()
    {
        var e = Assert.Throws<ProblemException>(() => ProgramLoader.Parse("{ \"id\": ", "my.json"));
        Assert.StartsWith("my.json: not valid JSON (line 1", e.Message, StringComparison.Ordinal);
    }
}
