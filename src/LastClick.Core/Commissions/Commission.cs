using LastClick.Attribution;
using LastClick.Common;
using LastClick.Programs;

namespace LastClick.Commissions;

public sealed record OrderLine(
    string Id, string ProductId, string Category, string? Store, decimal Price, int Quantity,
    bool Affiliated, decimal? SellerRate, bool Virtual, string? Section, string? SellerOrigin)
{
    public decimal Amount => Price * Quantity;
}

public sealed record Order(
    string Id, DateTimeOffset At, Currency Currency, string DeliveryCountry, IReadOnlyList<OrderLine> Lines,
    string? Visitor = null, string? ClickId = null)
{
    public decimal Amount => Lines.Sum(l => l.Amount);
}

/// <summary>One step of a rate trace: which rule, what it looked at, and the rate it left.</summary>
public sealed record TraceStep(string Rule, string Detail, decimal? Rate = null);

/// <summary>The rate decided for a line, or the reason it pays nothing, and how it was decided.</summary>
public readonly record struct LineRate(string LineId, decimal Rate, string? Reason, IReadOnlyList<TraceStep> Trace);

/// <summary>What the publisher's traffic and history bring to the decision.</summary>
public sealed record PublisherContext(string TrafficType, decimal PreviousMonthTurnover = 0m);

public readonly record struct LineCommission(
    string LineId, decimal Rate, decimal Base, decimal Exact, decimal Amount, string? Reason, IReadOnlyList<TraceStep> Trace);

/// <summary>
/// An order's commission: line figures exact in the order's currency, the sum converted at the internal rate of
/// the order's date, capped in the payout currency, rounded once (B12). <see cref="Lines"/> carry shares of the
/// rounded total that add up to it exactly.
/// </summary>
/// <param name="CapStep">When the cap applied, the trace step it added to every paying line.</param>
public sealed record OrderCommission(
    Currency PayoutCurrency, decimal FxRate, decimal ExactInOrderCurrency, decimal ExactInPayoutCurrency,
    decimal? Cap, decimal Total, IReadOnlyList<LineCommission> Lines, TraceStep? CapStep = null);

/// <summary>The commission rules (product.md B1–B13). Pure: no clock, no store.</summary>
public static class Commission
{
    public static class Reasons
    {
        public const string VirtualProduct = "virtual_product";
        public const string NonPayingStore = "non_paying_store";
        public const string NonAffiliated = "non_affiliated";
        public const string OutsideProgramRegion = "outside_program_region";
        public const string GeoMismatch = "geo_mismatch";
        public const string Anonymizer = "anonymizer";
        public const string InvalidTraffic = "invalid_traffic";
        public const string ExcludedSection = "excluded_section";
        public const string TrafficTypeNotEligible = "traffic_type_not_eligible";
        public const string NoSellerRate = "no_seller_rate";
        public const string Refunded = "refunded";
        public const string Cancelled = "cancelled";
        public const string Fraud = "fraud";
        public const string ProhibitedPractice = "prohibited_practice";
        public const string ZeroRate = "zero_rate";
        public const string ZeroAmount = "zero_amount";
        public const string BelowMinorUnit = "below_minor_unit";
    }

    [ThreadStatic]
    private static List<TraceStep>? Scratch;

    /// <summary>Decides each line's rate for an order credited to <paramref name="click"/>'s publisher.</summary>
    public static IReadOnlyList<LineRate> Rate(Order order, Touch click, ProgramDefinition program, PublisherContext publisher)
    {
        var orderReason = OrderLevelReason(order, click, program, out var orderTrace, out var rule);
        var tier = program.Tiers?.For(publisher.PreviousMonthTurnover);
        var rates = new LineRate[order.Lines.Count];
        var trace = Scratch ??= new List<TraceStep>(8);
        for (var i = 0; i < rates.Length; i++)
        {
            var line = order.Lines[i];
            trace.Clear();
            trace.AddRange(orderTrace);
            if (orderReason is not null)
            {
                rates[i] = new LineRate(line.Id, 0m, orderReason, trace.ToArray());
                continue;
            }
            var (rate, reason) = LineRateFor(line, order, program, rule!, publisher, tier, trace);
            rates[i] = new LineRate(line.Id, reason is null ? rate : 0m, reason, trace.ToArray());
        }
        return rates;
    }

    private static string? OrderLevelReason(Order order, Touch click, ProgramDefinition program, out List<TraceStep> trace, out DeliveryRule? rule)
    {
        trace = [];
        rule = null;
        if (click.InvalidReason is not null)
        {
            trace.Add(new TraceStep("invalid_traffic", $"click {click.Id}: {click.InvalidReason}"));
            return Reasons.InvalidTraffic;
        }
        rule = program.RuleFor(order.DeliveryCountry);
        if (rule is null || rule.Rates == RateSource.None)
        {
            trace.Add(new TraceStep("region", $"delivery to {order.DeliveryCountry} is outside {program.Id}'s paying regions"));
            return Reasons.OutsideProgramRegion;
        }
        trace.Add(rule.Describe(order.DeliveryCountry));
        if (program.GeoMatch && !string.Equals(click.Country, order.DeliveryCountry, StringComparison.Ordinal))
        {
            trace.Add(new TraceStep("geo_match", $"click IP country {click.Country ?? "unknown"} is not the delivery country {order.DeliveryCountry}"));
            return Reasons.GeoMismatch;
        }
        if (!program.AnonymizersPay && click.Anonymizer)
        {
            trace.Add(new TraceStep("anonymizer", $"click {click.Id} came through a VPN, proxy or hosting network"));
            return Reasons.Anonymizer;
        }
        return null;
    }

    private static (decimal Rate, string? Reason) LineRateFor(
        OrderLine line, Order order, ProgramDefinition program, DeliveryRule rule, PublisherContext publisher, Tier? tier,
        List<TraceStep> trace)
    {
        if (line.Virtual)
        {
            trace.Add(new TraceStep("zero_rate_class", "virtual product"));
            return (0m, Reasons.VirtualProduct);
        }
        if (program.ZeroRateCategories.TryGetValue(line.Category, out var classReason))
        {
            trace.Add(new TraceStep("zero_rate_class", $"category {line.Category}"));
            return (0m, classReason);
        }
        if (line.Section is not null && program.ExcludedSections.Contains(line.Section))
        {
            trace.Add(new TraceStep("excluded_section", $"section {line.Section}"));
            return (0m, Reasons.ExcludedSection);
        }
        if (program.NonPayingStores.Contains(line.Store, order.At))
        {
            trace.Add(new TraceStep("non_paying_store", $"{line.Store} is on the non-paying stores list of {program.NonPayingStores.At(order.At)!.Label}"));
            return (0m, Reasons.NonPayingStore);
        }

        decimal rate;
        if (rule.Rates == RateSource.SellerRate)
        {
            if (!line.Affiliated)
            {
                trace.Add(new TraceStep("seller_rate", "non-affiliated product"));
                return (0m, Reasons.NonAffiliated);
            }
            if (line.SellerRate is not { } sellerRate)
            {
                trace.Add(new TraceStep("seller_rate", "the product carries no seller rate"));
                return (0m, Reasons.NoSellerRate);
            }
            rate = program.SellerRateBounds.Clamp(sellerRate);
            trace.Add(new TraceStep("seller_rate", rate == sellerRate
                ? "seller's rate " + Decimals.Text(sellerRate)
                : $"seller's rate {Decimals.Text(sellerRate)} held to the bounds {Decimals.Canonical(program.SellerRateBounds.Min)}–{Decimals.Canonical(program.SellerRateBounds.Max)}", rate));
        }
        else
        {
            var eligible = line.Affiliated ? program.Eligibility.Affiliated : program.Eligibility.NonAffiliated;
            if (!eligible.Contains(publisher.TrafficType))
            {
                trace.Add(new TraceStep("eligibility", $"{(line.Affiliated ? "affiliated" : "non-affiliated")} product, traffic type {publisher.TrafficType}"));
                return (0m, line.Affiliated ? Reasons.TrafficTypeNotEligible : Reasons.NonAffiliated);
            }
            StoreList? list = null;
            // Indexed loops over the read-only lists: foreach through the interface would allocate an enumerator per line.
            for (var i = 0; i < program.StoreLists.Count; i++)
            {
                if (program.StoreLists[i].Stores.Contains(line.Store, order.At)) { list = program.StoreLists[i]; break; }
            }
            if (list is not null)
            {
                if (!line.Affiliated && !list.NonAffiliatedPays)
                {
                    trace.Add(new TraceStep("store_list", $"{line.Store} ({list.Name}): non-affiliated product"));
                    return (0m, Reasons.NonAffiliated);
                }
                rate = list.Rate;
                trace.Add(new TraceStep("store_list", $"{line.Store} is on {list.Id} (version of {list.Stores.At(order.At)!.Label})", rate));
            }
            else
            {
                var step = program.CategoryStep(line.Category, tier);
                rate = step.Rate!.Value;
                trace.Add(step);
            }
        }

        for (var i = 0; i < program.Campaigns.Count; i++)
        {
            var campaign = program.Campaigns[i];
            if (!campaign.ActiveAt(order.At) || !Matches(campaign.Match, line)) continue;
            rate = campaign.Multiplier is { } m ? rate * m : campaign.Rate!.Value;
            if (rule.Rates == RateSource.SellerRate) rate = program.SellerRateBounds.Clamp(rate);
            trace.Add(new TraceStep("campaign", campaign.TraceLabel, rate));
        }
        return (rate, null);
    }

    private static bool Matches(CampaignMatch m, OrderLine line) =>
        (m.Affiliated is null || m.Affiliated == line.Affiliated)
        && (m.SellerOrigins is null || (line.SellerOrigin is not null && m.SellerOrigins.Contains(line.SellerOrigin)))
        && (m.ProductIds is null || m.ProductIds.Contains(line.ProductId))
        && (m.Categories is null || m.Categories.Contains(line.Category))
        && (m.Stores is null || (line.Store is not null && m.Stores.Contains(line.Store)));

    /// <summary>
    /// The order's commission from the line rates: exact per line on what is left after refunds, summed,
    /// converted at the internal rate of the order's date, capped, rounded once half away from zero (B5, B10, B12).
    /// </summary>
    public static OrderCommission Total(
        Order order, IReadOnlyList<LineRate> rates, ProgramDefinition program,
        IReadOnlyDictionary<string, decimal>? refunds = null, string? declinedReason = null)
    {
        var payoutCurrency = program.PayoutCurrencyAt(order.At);
        var table = program.InternalRatesAt(order.At);
        var count = order.Lines.Count;
        var lines = new LineCommission[count];
        var exactSum = 0m;
        for (var i = 0; i < count; i++)
        {
            var line = order.Lines[i];
            var lineRate = rates[i];
            var amount = line.Amount;
            var refunded = refunds is not null && refunds.TryGetValue(line.Id, out var r) ? Math.Min(r, amount) : 0m;
            var basis = amount - refunded;
            var reason = declinedReason ?? lineRate.Reason
                ?? (basis <= 0m && refunded > 0m ? Reasons.Refunded : basis <= 0m ? Reasons.ZeroAmount : lineRate.Rate == 0m ? Reasons.ZeroRate : null);
            var exact = reason is null ? lineRate.Rate * basis : 0m;
            exactSum += exact;
            lines[i] = new LineCommission(line.Id, lineRate.Rate, basis, exact, 0m, reason, lineRate.Trace);
        }

        var converted = table.Convert(exactSum, order.Currency.Code, payoutCurrency.Code);
        var capped = program.OrderCap is { } cap && converted > cap;
        var total = payoutCurrency.Round(capped ? program.OrderCap!.Value : converted);
        Allocate(lines, exactSum, total, payoutCurrency);
        TraceStep? capStep = null;
        if (capped)
        {
            capStep = new TraceStep("cap", $"order cap {payoutCurrency.Format(program.OrderCap!.Value)} {payoutCurrency.Code} (uncapped {payoutCurrency.Format(converted)})");
            for (var i = 0; i < count; i++)
            {
                if (lines[i].Reason is null) lines[i] = lines[i] with { Trace = [.. lines[i].Trace, capStep] };
            }
        }
        return new OrderCommission(payoutCurrency, table.Rate(order.Currency.Code, payoutCurrency.Code), exactSum, converted,
            capped ? program.OrderCap : null, total, lines, capStep);
    }

    /// <summary>
    /// Sets each line's share of the rounded total, in proportion to its exact commission and in whole minor units
    /// that add up to the total exactly (largest remainder; ties to the earlier line). A line that earns something
    /// but whose share rounds to nothing says so (<c>below_minor_unit</c>).
    /// </summary>
    private static void Allocate(LineCommission[] lines, decimal exactSum, decimal total, Currency currency)
    {
        if (exactSum == 0m) return;
        if (lines.Length == 1)
        {
            lines[0] = lines[0] with { Amount = total, Reason = lines[0].Reason ?? (total == 0m ? Reasons.BelowMinorUnit : null) };
            return;
        }
        var units = currency.ToMinor(total);
        var scale = units / exactSum; // minor units per unit of exact commission
        Span<long> whole = lines.Length <= 32 ? stackalloc long[lines.Length] : new long[lines.Length];
        Span<decimal> remainders = lines.Length <= 32 ? stackalloc decimal[lines.Length] : new decimal[lines.Length];
        var left = units;
        for (var i = 0; i < lines.Length; i++)
        {
            var share = lines[i].Exact * scale;
            whole[i] = (long)decimal.Truncate(share);
            remainders[i] = share - whole[i];
            left -= whole[i];
        }
        for (; left > 0; left--)
        {
            var best = 0;
            for (var i = 1; i < remainders.Length; i++)
            {
                if (remainders[i] > remainders[best]) best = i;
            }
            whole[best]++;
            remainders[best] = -1m;
        }
        for (var i = 0; i < lines.Length; i++)
        {
            var amount = currency.FromMinor(whole[i]);
            lines[i] = lines[i] with { Amount = amount, Reason = lines[i].Reason ?? (lines[i].Exact > 0m && amount == 0m ? Reasons.BelowMinorUnit : null) };
        }
    }
}
