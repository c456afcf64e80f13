using LastClick.Common;

namespace LastClick.Programs;

/// <summary>
/// Every rule of an affiliate program, as data (product.md A–D). Loaded and validated by <see cref="ProgramLoader"/>.
/// </summary>
public sealed record ProgramDefinition
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Marketplace { get; init; }
    public required string Model { get; init; }
    public required string Attribution { get; init; }
    public required int CookieWindowDays { get; init; }
    public required IReadOnlyList<string> AllowedHosts { get; init; }
    public required IReadOnlyList<string> Languages { get; init; }
    public required IReadOnlyList<string> Markets { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlySet<string>> Regions { get; init; }
    public required IReadOnlyList<DeliveryRule> DeliveryRules { get; init; }
    public required IReadOnlyDictionary<string, decimal> CategoryRates { get; init; }
    public required string DefaultCategory { get; init; }
    public required IReadOnlyDictionary<string, string> ZeroRateCategories { get; init; }
    public required IReadOnlySet<string> ExcludedSections { get; init; }
    public required IReadOnlyList<StoreList> StoreLists { get; init; }
    public required DatedList NonPayingStores { get; init; }
    public required RateBounds SellerRateBounds { get; init; }
    public decimal? OrderCap { get; init; }
    public required Eligibility Eligibility { get; init; }
    public required bool GeoMatch { get; init; }
    public required bool AnonymizersPay { get; init; }
    public required IReadOnlyList<Campaign> Campaigns { get; init; }
    public Tiers? Tiers { get; init; }
    public required IReadOnlyList<DatedCurrency> PayoutCurrencies { get; init; }
    public required IReadOnlyList<InternalRateTable> InternalRates { get; init; }
    public required int HoldDays { get; init; }
    public required PayoutTerms Payout { get; init; }
    public required int AutoAcceptRanking { get; init; }
    public ScorecardInputs? Scorecard { get; init; }
    public ProhibitedSources Prohibited { get; init; } = ProhibitedSources.None;
    public ClickSpamLimits ClickSpam { get; init; } = ClickSpamLimits.Default;

    [System.Text.Json.Serialization.JsonIgnore] public TimeSpan CookieWindow => TimeSpan.FromDays(CookieWindowDays);
    [System.Text.Json.Serialization.JsonIgnore] public TimeSpan Hold => TimeSpan.FromDays(HoldDays);

    // Derived look-ups live outside the record, keyed by instance, so a `with` copy never shares a stale cache
    // and record equality stays about the definition itself.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ProgramDefinition,
        System.Collections.Concurrent.ConcurrentDictionary<(string Category, Tier? Tier), Commissions.TraceStep>> CategorySteps = new();

    /// <summary>B1/B13: the category table's rate and trace step for a category (unknown categories fall to the default), shared.</summary>
    public Commissions.TraceStep CategoryStep(string category, Tier? tier) => CategorySteps.GetValue(this, static _ => new()).GetOrAdd((category, tier), static (key, program) =>
    {
        var (name, level) = key;
        var known = program.CategoryRates.ContainsKey(name) ? name : program.DefaultCategory;
        var rate = level is not null && level.CategoryRates.TryGetValue(known, out var lifted) ? lifted : program.CategoryRates[known];
        var detail = known == name ? name : $"{name} → {known}";
        return level is null || !level.CategoryRates.ContainsKey(known)
            ? new Commissions.TraceStep("category_table", detail, rate)
            : new Commissions.TraceStep("tier", $"{detail} at {level.TraceLabel}", rate);
    }, this);

    /// <summary>The first delivery rule whose region holds the country ("*" holds every country).</summary>
    public DeliveryRule? RuleFor(string deliveryCountry)
    {
        for (var i = 0; i < DeliveryRules.Count; i++)
        {
            var rule = DeliveryRules[i];
            if (rule.Region == "*" || (Regions.TryGetValue(rule.Region, out var countries) && countries.Contains(deliveryCountry))) return rule;
        }
        return null;
    }

    /// <summary>B10: the payout currency in force at a time (the latest entry whose <c>from</c> is not after it, else the earliest).</summary>
    public Currency PayoutCurrencyAt(DateTimeOffset at) => Currency.Of(Dated.At(PayoutCurrencies, p => p.From, at).Currency);

    /// <summary>B10/B12: the internal rate table in force on a date (the latest not after it, else the earliest).</summary>
    public InternalRateTable InternalRatesAt(DateTimeOffset at) => Dated.At(InternalRates, r => r.Date, at);
}

/// <summary>Picks the entry of a dated series in force at a time. Series are short: a loop, no sorting.</summary>
internal static class Dated
{
    public static T At<T>(IReadOnlyList<T> series, Func<T, DateTimeOffset> from, DateTimeOffset at)
    {
        T? best = default, earliest = default;
        DateTimeOffset bestFrom = DateTimeOffset.MinValue, earliestFrom = DateTimeOffset.MaxValue;
        var found = false;
        for (var i = 0; i < series.Count; i++)
        {
            var item = series[i];
            var f = from(item);
            if (f <= at && (!found || f > bestFrom)) (best, bestFrom, found) = (item, f, true);
            if (f < earliestFrom) (earliest, earliestFrom) = (item, f);
        }
        return found ? best! : earliest!;
    }
}

public enum RateSource { SellerRate, CategoryTable, None }

public sealed record DeliveryRule(string Region, RateSource Rates)
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DeliveryRule,
        System.Collections.Concurrent.ConcurrentDictionary<string, Commissions.TraceStep>> Steps = new();

    /// <summary>The trace step for a delivery under this rule (made once per country, then shared).</summary>
    public Commissions.TraceStep Describe(string country) => Steps.GetValue(this, static _ => new(StringComparer.Ordinal)).GetOrAdd(country, static (c, rule) => new Commissions.TraceStep("region",
        $"delivery to {c}: {(rule.Region == "*" ? "any other country" : rule.Region)} pays {rule.Rates switch
        {
            RateSource.SellerRate => "seller rates",
            RateSource.CategoryTable => "the category table",
            _ => "nothing",
        }}"), this);
}

/// <summary>A store list with its rate (B2, B3); its contents are dated versions so an order is judged by the list of its time.</summary>
public sealed record StoreList(string Id, string Name, decimal Rate, bool NonAffiliatedPays, DatedList Stores);

public sealed record DatedList(IReadOnlyList<ListVersion> Versions)
{
    public static readonly DatedList Empty = new([]);

    /// <summary>The version in force at a time; versions are kept in ascending order of <c>from</c>.</summary>
    public ListVersion? At(DateTimeOffset at)
    {
        for (var i = Versions.Count - 1; i >= 0; i--)
        {
            if (Versions[i].From <= at) return Versions[i];
        }
        return null;
    }

    public bool Contains(string? item, DateTimeOffset at) => item is not null && At(at) is { } v && v.Items.Contains(item);
}

/// <summary>One dated version of a list: who changed it, when it takes effect and why (B3's audit).</summary>
public sealed record ListVersion(DateTimeOffset From, IReadOnlySet<string> Items, string ChangedBy, string? Note)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string Label { get; } = From.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record RateBounds(decimal Min, decimal Max)
{
    public decimal Clamp(decimal rate) => Math.Clamp(rate, Min, Max);
}

/// <summary>B7: which traffic types the rate table applies to, for affiliated and non-affiliated products.</summary>
public sealed record Eligibility(IReadOnlySet<string> Affiliated, IReadOnlySet<string> NonAffiliated);

/// <summary>B11: a time-bounded change of rates, a multiplier or an override, for the products it matches.</summary>
public sealed record Campaign(
    string Id, string Name, DateTimeOffset From, DateTimeOffset? To,
    CampaignMatch Match, decimal? Multiplier, decimal? Rate)
{
    public bool ActiveAt(DateTimeOffset at) => From <= at && (To is null || at < To);

    [System.Text.Json.Serialization.JsonIgnore]
    public string TraceLabel { get; } = Multiplier is { } m ? $"{Id}: ×{Decimals.Canonical(m)}" : $"{Id}: override";
}

public sealed record CampaignMatch(
    IReadOnlySet<string>? SellerOrigins, bool? Affiliated, IReadOnlySet<string>? ProductIds,
    IReadOnlySet<string>? Categories, IReadOnlySet<string>? Stores);

/// <summary>B13: a publisher's confirmed sales of the previous calendar month lift the category table.</summary>
public sealed record Tiers(IReadOnlyList<Tier> Levels)
{
    /// <summary>The highest level whose threshold the turnover is above, or null for the base table.</summary>
    public Tier? For(decimal turnover)
    {
        Tier? best = null;
        for (var i = 0; i < Levels.Count; i++)
        {
            var level = Levels[i];
            if (turnover > level.Above && (best is null || level.Above > best.Above)) best = level;
        }
        return best;
    }
}

public sealed record Tier(string Name, decimal Above, IReadOnlyDictionary<string, decimal> CategoryRates)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string TraceLabel { get; } = $"{Name}: previous month's confirmed sales above {Decimals.Canonical(Above)}";
}

public sealed record DatedCurrency(DateTimeOffset From, string Currency);

/// <summary>The marketplace's internal rates on a date: units of each currency per one unit of <see cref="Base"/>.</summary>
public sealed record InternalRateTable(DateTimeOffset Date, string Base, IReadOnlyDictionary<string, decimal> Rates)
{
    private decimal UnitsPerBase(string currency) =>
        currency == Base ? 1m : Rates.TryGetValue(currency, out var r) ? r : throw new KeyNotFoundException(currency);

    public bool Knows(string currency) => currency == Base || Rates.ContainsKey(currency);

    /// <summary>How many units of <paramref name="to"/> one unit of <paramref name="from"/> is worth.</summary>
    public decimal Rate(string from, string to) => from == to ? 1m : UnitsPerBase(to) / UnitsPerBase(from);

    /// <summary>Converts exactly (no rounding): amount × units(to) / units(from), multiplying first.</summary>
    public decimal Convert(decimal amount, string from, string to) =>
        from == to ? amount : amount * UnitsPerBase(to) / UnitsPerBase(from);
}

/// <summary>
/// D2, D3: the weekly run (planned on <see cref="Weekday"/> at <see cref="Hour"/> in <see cref="TimeZone"/>), the
/// thresholds by currency, the methods, whether a run needs two admins' approval, whether statements carry a
/// self-billing invoice.
/// </summary>
public sealed record PayoutTerms(string Schedule, DayOfWeek Weekday, IReadOnlyDictionary<string, decimal> Thresholds, IReadOnlyList<string> Methods,
    int Hour = 9, string TimeZone = "UTC", bool FourEyes = false, bool SelfBilling = false)
{
    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

/// <summary>
/// E4, checked when a publisher applies: traffic sources the program refuses outright, and hosts of channels it does
/// not moderate (RU&amp;CIS: social networks banned in Russia, seed 002).
/// </summary>
public sealed record ProhibitedSources(IReadOnlyList<string> TrafficSources, IReadOnlyList<ProhibitedHosts> ChannelHosts)
{
    public static readonly ProhibitedSources None = new([], []);

    /// <summary>The rule a channel URL falls under (its host or a parent domain is listed), or null.</summary>
    public ProhibitedHosts? RuleFor(Uri channel)
    {
        var host = channel.IdnHost.ToLowerInvariant().TrimEnd('.');
        foreach (var rule in ChannelHosts)
        {
            foreach (var listed in rule.Hosts)
            {
                if (host == listed || host.EndsWith("." + listed, StringComparison.Ordinal)) return rule;
            }
        }
        return null;
    }
}

/// <summary>
/// A6 repeats: more than <paramref name="VisitorClicks"/> clicks of one visitor, or <paramref name="AddressClicks"/> from one
/// IP address, on one publisher's links within <paramref name="Window"/> are click spamming. An address is shared (offices,
/// carrier-grade NAT), so its limit is higher.
/// </summary>
public sealed record ClickSpamLimits(int VisitorClicks, int AddressClicks, TimeSpan Window)
{
    /// <summary>10 clicks of a visitor or 50 from an address in 60 seconds: far above a person reading a page of offers.</summary>
    public static readonly ClickSpamLimits Default = new(10, 50, TimeSpan.FromSeconds(60));
}

public sealed record ProhibitedHosts(IReadOnlyList<string> Hosts, string Reason);

/// <summary>Traffic types of product.md E1.</summary>
public static class TrafficTypes
{
    public static readonly IReadOnlyList<string> All =
    [
        "content", "coupon", "cashback", "price_comparison", "social", "email", "paid_search", "dropshipping", "browser_extension",
    ];
}
