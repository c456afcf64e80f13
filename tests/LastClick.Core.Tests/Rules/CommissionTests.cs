using LastClick.Commissions;
using LastClick.Programs;
using static LastClick.Tests.Support.Build;

namespace LastClick.Tests.Rules;

public sealed class CommissionTests
{
    [Theory]
    [InlineData("Mobile phones", "0.024")]
    [InlineData("Computer peripherals", "0.024")]
    [InlineData("Laptop netbooks", "0.024")]
    [InlineData("Home audio and video equipment", "0.024")]
    [InlineData("External storage", "0.024")]
    [InlineData("Internal storage", "0.024")]
    [InlineData("Mobile phone accessories", "0.056")]
    [InlineData("Interior accessories", "0.056")]
    [InlineData("Garden supplies", "0.056")]
    [InlineData("Women's clothing", "0.056")]
    [InlineData("Men's clothing", "0.056")]
    [InlineData("Children's clothing", "0.056")]
    [InlineData("All other categories", "0.072")]
    [InlineData("Toys and hobbies", "0.072")]
    public void B1_global_non_cis_deliveries_pay_the_category_table(string category, string rate)
    {
        var expected = decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture);
        var commission = Compute(Order(country: "FR", lines: Line(category: category, price: 250m)), Ww);

        Assert.Equal(expected, commission.Lines[0].Rate);
        Assert.Equal(250m * expected, commission.Total);
        Assert.Equal("category_table", commission.Lines[0].Trace[^1].Rule);
    }

    [Fact]
    public void B1_rates_reach_about_nine_percent_at_most_in_the_default_table_and_tiers()
    {
        var top = Ww.CategoryRates.Values.Concat(Ww.Tiers!.Levels.SelectMany(l => l.CategoryRates.Values)).Max();
        Assert.InRange(top, 0.072m, 0.09m);
    }

    [Theory]
    [InlineData("Xiaomi Official Store")]
    [InlineData("HUAWEI Official Store")]
    [InlineData("honor official store")]
    [InlineData("Lenovo Official Store")]
    public void B2_specialty_electronics_stores_pay_0_75_percent(string store)
    {
        var line = OneLine(Order(lines: Line(category: "Mobile phones", store: store, price: 400m)), Ww);
        Assert.Equal(0.0075m, line.Rate);
        Assert.Equal(3.00m, line.Amount);
        Assert.Contains(line.Trace, t => t.Rule == "store_list" && t.Detail.Contains("specialty-electronics", StringComparison.Ordinal));
    }

    [Fact]
    public void B2_non_affiliated_products_of_specialty_stores_pay_nothing_even_to_traffic_eligible_for_non_affiliated()
    {
        var order = Order(lines: Line(category: "Mobile phones", store: "Xiaomi Official Store", affiliated: false));
        var line = OneLine(order, Ww, trafficType: "dropshipping");
        Assert.Equal(0m, line.Exact);
        Assert.Equal(Commission.Reasons.NonAffiliated, line.Reason);
    }

    [Fact]
    public void B3_chuwi_global_flagship_store_pays_1_5_percent()
    {
        var line = OneLine(Order(lines: Line(category: "Laptop netbooks", store: "CHUWI Global—Flagship Store", price: 200m)), Ww);
        Assert.Equal(0.015m, line.Rate);
        Assert.Equal(3.00m, line.Amount);
    }

    [Fact]
    public void B3_an_order_is_judged_by_the_store_list_in_force_at_its_time()
    {
        const string chuwi = "{ \"from\": \"2024-01-01\", \"changedBy\": \"seed 000\", \"items\": [\"CHUWI Global—Flagship Store\"] }";
        const string edited = chuwi + ", { \"from\": \"2026-03-01\", \"changedBy\": \"operator@marketplace\", \"note\": \"adds the new tablet store\", " +
            "\"items\": [\"CHUWI Global—Flagship Store\", \"Tablet World Store\"] }";
        var program = Edited("aliexpress-ww", json => json.Replace(chuwi, edited, StringComparison.Ordinal));

        var before = OneLine(Order(at: "2026-02-28T23:59:59Z", lines: Line(store: "Tablet World Store")), program);
        var after = OneLine(Order(at: "2026-03-01T00:00:00Z", lines: Line(store: "Tablet World Store")), program);

        Assert.Equal(0.072m, before.Rate);
        Assert.Equal(0.015m, after.Rate);
        Assert.Contains(after.Trace, t => t.Detail.Contains("2026-03-01", StringComparison.Ordinal));
        var version = program.StoreLists.Single(l => l.Id == "chuwi").Stores.At(T("2026-03-05T00:00:00Z"))!;
        Assert.Equal("operator@marketplace", version.ChangedBy);
    }

    [Theory]
    [InlineData("Gift cards", "virtual_product")]
    [InlineData("Coupons", "virtual_product")]
    [InlineData("Prepaid codes", "virtual_product")]
    [InlineData("Tickets", "virtual_product")]
    [InlineData("Software and games", "virtual_product")]
    [InlineData("Digital books", "virtual_product")]
    [InlineData("Travel and coupon services", "special_category")]
    [InlineData("Books", "special_category")]
    public void B4_special_category_and_virtual_products_pay_nothing(string category, string reason)
    {
        var line = OneLine(Order(lines: Line(category: category)), Ww);
        Assert.Equal(0m, line.Exact);
        Assert.Equal(reason, line.Reason);
    }

    [Fact]
    public void B4_a_product_flagged_virtual_pays_nothing_whatever_its_category()
    {
        var line = OneLine(Order(lines: Line(category: "Mobile phones", isVirtual: true)), Ww);
        Assert.Equal(Commission.Reasons.VirtualProduct, line.Reason);
    }

    [Fact]
    public void B5_seed_example_at_most_38_usd_commission_per_order_whatever_the_amount_or_category()
    {
        // 000: "The maximum amount of commissions is $38, no matter the amount of sale or the category of the products."
        var commission = Compute(Order(lines: [Line("l1", "Mobile phone accessories", 600m), Line("l2", "Mobile phones", 900m)]), Ww);

        Assert.Equal(33.60m + 21.60m, commission.ExactInPayoutCurrency);
        Assert.Equal(38.00m, commission.Total);
        Assert.Equal(38.00m, commission.Lines.Sum(l => l.Amount));
        Assert.All(commission.Lines, l => Assert.Equal("cap", l.Trace[^1].Rule));
    }

    [Fact]
    public void B5_the_cap_applies_in_the_payout_currency_after_conversion()
    {
        // 1000 EUR at 7.2% = 72 EUR = 84.21 USD at the 2026 internal rate (0.855 EUR per USD): capped at 38 USD.
        var commission = Compute(Order(currency: "EUR", lines: Line(price: 1000m)), Ww);
        Assert.Equal("USD", commission.PayoutCurrency.Code);
        Assert.Equal(38.00m, commission.Total);
        var small = Compute(Order(currency: "EUR", lines: Line(price: 100m)), Ww);
        Assert.Equal(8.42m, small.Total); // 7.2 EUR / 0.855 = 8.4210…
        Assert.Null(small.Cap);
    }

    [Fact]
    public void B5_the_cis_program_has_no_cap()
    {
        var commission = Compute(Order(country: "RU", at: "2026-02-02T00:00:00Z", lines: Line(sellerRate: 0.5m, price: 10000m)), Cis);
        Assert.Null(commission.Cap);
        Assert.Equal(400000.00m, commission.Total); // 5000 USD at 80 RUB
    }

    [Theory]
    [InlineData("DE")]
    [InlineData("RU")]
    [InlineData("US")]
    public void B6_stores_on_the_non_paying_list_pay_nothing_for_any_delivery_country(string country)
    {
        var program = Edited("aliexpress-ww", json => json.Replace("the marketplace fills this list.\", \"items\": []",
            "the marketplace fills this list.\", \"items\": [\"Zero Store\"]", StringComparison.Ordinal));
        var line = OneLine(Order(country: country, lines: Line(store: "Zero Store", sellerRate: 0.2m)), program);
        Assert.Equal(Commission.Reasons.NonPayingStore, line.Reason);
        Assert.Equal(0m, line.Exact);
    }

    [Theory]
    [InlineData(true, "content", null)]
    [InlineData(true, "coupon", null)]
    [InlineData(true, "cashback", null)]
    [InlineData(true, "browser_extension", null)]
    [InlineData(true, "dropshipping", "traffic_type_not_eligible")]
    [InlineData(false, "dropshipping", null)]
    [InlineData(false, "content", "non_affiliated")]
    [InlineData(false, "price_comparison", "non_affiliated")]
    public void B7_the_table_applies_by_traffic_type_and_product_affiliation(bool affiliated, string trafficType, string? reason)
    {
        var line = OneLine(Order(lines: Line(affiliated: affiliated)), Ww, trafficType: trafficType);
        Assert.Equal(reason, line.Reason);
        Assert.Equal(reason is null ? 7.20m : 0m, line.Amount);
    }

    [Theory]
    [InlineData("0.12", "0.12")]
    [InlineData("0.004", "0.004")]
    [InlineData("0.001", "0.004")]
    [InlineData("0.69", "0.69")]
    [InlineData("0.80", "0.69")]
    public void B8_global_cis_deliveries_pay_the_seller_rate_within_0_4_and_69_percent(string seller, string expected)
    {
        var rate = decimal.Parse(seller, System.Globalization.CultureInfo.InvariantCulture);
        var line = OneLine(Order(country: "BY", lines: Line(category: "Mobile phones", sellerRate: rate)), Ww);
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), line.Rate);
    }

    [Fact]
    public void B8_cis_program_bounds_are_0_4_to_64_8_percent()
    {
        Assert.Equal(new RateBounds(0.004m, 0.648m), Cis.SellerRateBounds);
        Assert.Equal(0.648m, OneLine(Order(country: "RU", lines: Line(sellerRate: 0.7m)), Cis).Rate);
    }

    [Fact]
    public void B8_category_does_not_matter_and_non_affiliated_pays_nothing_on_cis_deliveries()
    {
        var phones = OneLine(Order(country: "KZ", lines: Line(category: "Mobile phones", sellerRate: 0.05m)), Ww);
        var clothing = OneLine(Order(country: "KZ", lines: Line(category: "Women's clothing", sellerRate: 0.05m)), Ww);
        var unaffiliated = OneLine(Order(country: "KZ", lines: Line(sellerRate: 0.05m, affiliated: false)), Ww, trafficType: "dropshipping");
        var missing = OneLine(Order(country: "KZ", lines: Line(sellerRate: null)), Ww);

        Assert.Equal(phones.Rate, clothing.Rate);
        Assert.Equal(Commission.Reasons.NonAffiliated, unaffiliated.Reason);
        Assert.Equal(Commission.Reasons.NoSellerRate, missing.Reason);
    }

    [Fact]
    public void B9_cis_eat_section_and_virtual_products_pay_nothing()
    {
        var eat = OneLine(Order(country: "RU", lines: Line(section: "Eat!", sellerRate: 0.1m)), Cis);
        var virtualProduct = OneLine(Order(country: "RU", lines: Line(isVirtual: true, sellerRate: 0.1m)), Cis);
        var certificate = OneLine(Order(country: "RU", lines: Line(category: "Certificates", sellerRate: 0.1m)), Cis);

        Assert.Equal(Commission.Reasons.ExcludedSection, eat.Reason);
        Assert.Equal(Commission.Reasons.VirtualProduct, virtualProduct.Reason);
        Assert.Equal(Commission.Reasons.VirtualProduct, certificate.Reason);
    }

    [Fact]
    public void B10_cis_pays_in_rubles_at_the_internal_rate_for_orders_from_2024_04_04()
    {
        var before = Compute(Order(country: "RU", at: "2024-04-03T23:59:59Z", lines: Line(price: 100m, sellerRate: 0.1m)), Cis);
        var from = Compute(Order(country: "RU", at: "2024-04-04T00:00:00Z", lines: Line(price: 100m, sellerRate: 0.1m)), Cis);

        Assert.Equal("USD", before.PayoutCurrency.Code);
        Assert.Equal(10.00m, before.Total);
        Assert.Equal("RUB", from.PayoutCurrency.Code);
        Assert.Equal(92.5m, from.FxRate);
        Assert.Equal(925.00m, from.Total);
    }

    [Fact]
    public void B10_the_internal_rate_is_the_table_of_the_order_date_not_the_latest()
    {
        var y2024 = Compute(Order(currency: "RUB", country: "RU", at: "2025-06-01T00:00:00Z", lines: Line(price: 1000m, sellerRate: 0.1m)), Cis);
        var y2026 = Compute(Order(currency: "KZT", country: "KZ", at: "2026-06-01T00:00:00Z", lines: Line(price: 5050m, sellerRate: 0.1m)), Cis);

        Assert.Equal(100.00m, y2024.Total);
        Assert.Equal(80.00m, y2026.Total); // 505 KZT = 1 USD = 80 RUB on the 2026 table
    }

    [Fact]
    public void B11_cis_campaign_lifts_affiliated_chinese_sellers_by_60_percent_from_2024_08_16()
    {
        var before = OneLine(Order(country: "RU", at: "2024-08-15T23:59:59Z", lines: Line(sellerRate: 0.05m, origin: "CN")), Cis);
        var during = OneLine(Order(country: "RU", at: "2024-08-16T00:00:00Z", lines: Line(sellerRate: 0.05m, origin: "CN")), Cis);
        var russian = OneLine(Order(country: "RU", at: "2024-08-16T00:00:00Z", lines: Line(sellerRate: 0.05m, origin: "RU")), Cis);
        var bounded = OneLine(Order(country: "RU", at: "2024-08-16T00:00:00Z", lines: Line(sellerRate: 0.5m, origin: "CN")), Cis);

        Assert.Equal(0.05m, before.Rate);
        Assert.Equal(0.08m, during.Rate);
        Assert.Equal("campaign", during.Trace[^1].Rule);
        Assert.Equal(0.05m, russian.Rate);
        Assert.Equal(0.648m, bounded.Rate);
    }

    [Fact]
    public void B11_a_promo_override_applies_only_inside_its_validity_window()
    {
        const string campaign = "\"campaigns\": [ { \"id\": \"hot-week\", \"name\": \"Hot products week\", \"from\": \"2026-02-01\", " +
            "\"to\": \"2026-02-08\", \"match\": { \"productIds\": [\"hot-1\"] }, \"rate\": \"0.09\" } ]";
        var program = Edited("aliexpress-ww", json => json.Replace("\"campaigns\": []", campaign, StringComparison.Ordinal));

        Assert.Equal(0.09m, OneLine(Order(at: "2026-02-03T00:00:00Z", lines: Line(productId: "hot-1")), program).Rate);
        Assert.Equal(0.072m, OneLine(Order(at: "2026-02-03T00:00:00Z", lines: Line(productId: "cold-1")), program).Rate);
        Assert.Equal(0.072m, OneLine(Order(at: "2026-02-08T00:00:00Z", lines: Line(productId: "hot-1")), program).Rate);
    }

    [Fact]
    public void B12_rounding_happens_once_at_the_end_half_away_from_zero()
    {
        // Three lines of 0.014 each: rounded line by line they would make 0.03; the exact sum 0.042 rounds to 0.04.
        var three = Compute(Order(lines: [Line("a", "Mobile phone accessories", 0.25m), Line("b", "Mobile phone accessories", 0.25m), Line("c", "Mobile phone accessories", 0.25m)]), Ww);
        Assert.Equal(0.042m, three.ExactInPayoutCurrency);
        Assert.Equal(0.04m, three.Total);
        Assert.Equal(0.04m, three.Lines.Sum(l => l.Amount));

        // 0.90 × 5% = 0.045 exactly: half away from zero gives 0.05 (banker's rounding would give 0.04).
        Assert.Equal(0.05m, Compute(Order(country: "RU", lines: Line(price: 0.90m, sellerRate: 0.05m)), Ww).Total);
    }

    [Fact]
    public void B12_line_shares_add_up_to_the_order_total_and_every_zero_has_a_reason()
    {
        var commission = Compute(Order(lines: [Line("a", price: 10m), Line("b", price: 0.01m), Line("c", "Books", 5m), Line("d", price: 0m)]), Ww);

        Assert.Equal(commission.Total, commission.Lines.Sum(l => l.Amount));
        Assert.All(commission.Lines.Where(l => l.Amount == 0m), l => Assert.False(string.IsNullOrEmpty(l.Reason)));
        Assert.Equal(Commission.Reasons.BelowMinorUnit, commission.Lines[1].Reason);
        Assert.Equal(Commission.Reasons.ZeroAmount, commission.Lines[3].Reason);
        Assert.All(commission.Lines, l => Assert.NotEmpty(l.Trace));
    }

    [Fact]
    public void B12_a_partial_refund_recomputes_the_line_on_what_is_left()
    {
        var order = Order(lines: [Line("a", price: 100m), Line("b", price: 50m)]);
        var commission = Compute(order, Ww, refunds: new Dictionary<string, decimal> { ["a"] = 40m, ["b"] = 50m });

        Assert.Equal(60m * 0.072m, commission.Total);
        Assert.Equal(Commission.Reasons.Refunded, commission.Lines[1].Reason);
    }

    [Theory]
    [InlineData("0", "0.024", "0.056", "0.072")]
    [InlineData("200000.00", "0.024", "0.056", "0.072")]
    [InlineData("200000.01", "0.025", "0.059", "0.076")]
    [InlineData("500000.00", "0.025", "0.059", "0.076")]
    [InlineData("750000", "0.027", "0.063", "0.081")]
    public void B13_previous_month_confirmed_turnover_lifts_the_table(string turnover, string phones, string accessories, string other)
    {
        var t = decimal.Parse(turnover, System.Globalization.CultureInfo.InvariantCulture);
        decimal Rate(string category) => OneLine(Order(lines: Line(category: category)), Ww, turnover: t).Rate;

        Assert.Equal(decimal.Parse(phones, System.Globalization.CultureInfo.InvariantCulture), Rate("Mobile phones"));
        Assert.Equal(decimal.Parse(accessories, System.Globalization.CultureInfo.InvariantCulture), Rate("Mobile phone accessories"));
        Assert.Equal(decimal.Parse(other, System.Globalization.CultureInfo.InvariantCulture), Rate("Garden tools"));
    }

    [Fact]
    public void B13_tiers_are_optional_the_cis_program_has_none_and_the_trace_names_the_tier()
    {
        Assert.Null(Cis.Tiers);
        var line = OneLine(Order(lines: Line(category: "Mobile phones")), Ww, turnover: 600000m);
        Assert.Equal("tier", line.Trace[^1].Rule);
        Assert.Contains("over USD 500k", line.Trace[^1].Detail, StringComparison.Ordinal);
    }
}
