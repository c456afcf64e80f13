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
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Regions { get; init; }
    public required IReadOnlyList<DeliveryRule> DeliveryRules { get; init; }
    public required IReadOnlyDictionary<string, decimal> CategoryRates { get; init; }
    public required string DefaultCategory { get; init; }
    public required IReadOnlyDictionary<string, string> ZeroRateCategories { get; init; }
    public required IReadOnlyList<string> ExcludedSections { get; init; }
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

    [System.Text.Json.Serialization.JsonIgnore] public TimeSpan CookieWindow => TimeSpan.FromDays(CookieWindowDays);
    [System.Text.Json.Serialization.JsonIgnore] public TimeSpan Hold => TimeSpan.FromDays(HoldDays);

    /// <summary>The first delivery rule whose region holds the country ("*" holds every country).</summary>
    public DeliveryRule? RuleFor(string deliveryCountry) =>
        DeliveryRules.FirstOrDefault(r => r.Region == "*" || (Regions.TryGetValue(r.Region, out var countries) && countries.Contains(deliveryCountry)));

    /// <summary>B10: the payout currency in force at a time (the latest entry whose <c>from</c> is not after it).</summary>
    public Currency PayoutCurrencyAt(DateTimeOffset at) =>
        Currency.Of(PayoutCurrencies.Where(p => p.From <= at).MaxBy(p => p.From)?.Currency ?? PayoutCurrencies.MinBy(p => p.From)!.Currency);

    /// <summary>B10/B12: the internal rate table in force on a date (the latest not after it, else the earliest).</summary>
    public InternalRateTable InternalRatesAt(DateTimeOffset at) =>
        InternalRates.Where(r => r.Date <= at).MaxBy(r => r.Date) ?? InternalRates.MinBy(r => r.Date)!;
}

public enum RateSource { SellerRate, CategoryTable, None }

public sealed record DeliveryRule(string Region, RateSource Rates);

/// <summary>A store list with its rate (B2, B3); its contents are dated versions so an order is judged by the list of its time.</summary>
public sealed record StoreList(string Id, string Name, decimal Rate, bool NonAffiliatedPays, DatedList Stores);

public sealed record DatedList(IReadOnlyList<ListVersion> Versions)
{
    public static readonly DatedList Empty = new([]);

    public ListVersion? At(DateTimeOffset at) => Versions.Where(v => v.From <= at).MaxBy(v => v.From);

    public bool Contains(string? item, DateTimeOffset at) => item is not null && At(at) is { } v && v.Items.Contains(item);
}

/// <summary>One dated version of a list: who changed it, when it takes effect and why (B3's audit).</summary>
public sealed record ListVersion(DateTimeOffset From, IReadOnlySet<string> Items, string ChangedBy, string? Note);

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
}

public sealed record CampaignMatch(
    IReadOnlySet<string>? SellerOrigins, bool? Affiliated, IReadOnlySet<string>? ProductIds,
    IReadOnlySet<string>? Categories, IReadOnlySet<string>? Stores);

/// <summary>B13: a publisher's confirmed sales of the previous calendar month lift the category table.</summary>
public sealed record Tiers(IReadOnlyList<Tier> Levels)
{
    /// <summary>The highest level whose threshold the turnover is above, or null for the base table.</summary>
    public Tier? For(decimal turnover) => Levels.Where(l => turnover > l.Above).MaxBy(l => l.Above);
}

public sealed record Tier(string Name, decimal Above, IReadOnlyDictionary<string, decimal> CategoryRates);

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

public sealed record PayoutTerms(string Schedule, DayOfWeek Weekday, IReadOnlyDictionary<string, decimal> Thresholds, IReadOnlyList<string> Methods);

/// <summary>Traffic types of product.md E1.</summary>
public static class TrafficTypes
{
    public static readonly IReadOnlyList<string> All =
    [
        "content", "coupon", "cashback", "price_comparison", "social", "email", "paid_search", "dropshipping", "browser_extension",
    ];
}
