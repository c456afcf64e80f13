using System.Text.RegularExpressions;
using LastClick.Common;

namespace LastClick.Programs;

/// <summary>Reads a program definition and validates it, naming the first wrong field.</summary>
public static partial class ProgramLoader
{
    private static readonly string[] Fields =
    [
        "$schema", "id", "name", "marketplace", "model", "attribution", "cookieWindowDays", "allowedHosts", "languages", "markets",
        "regions", "deliveryRules", "categoryRates", "defaultCategory", "zeroRateCategories", "excludedSections", "storeLists",
        "nonPayingStores", "sellerRateBounds", "orderCap", "eligibility", "geoMatch", "anonymizersPay", "campaigns", "tiers",
        "currency", "holdDays", "payout", "autoAcceptRanking", "scorecard", "prohibited", "clickSpam",
    ];

    /// <summary>J2 inputs: stars 1–5, internal review 1–10, every component but trust scored 0–10, and a source.</summary>
    private static ScorecardInputs ScorecardInputs(JsonNode node)
    {
        node.AllowOnly("trustpilotStars", "internalReview", "scores", "source");
        decimal Within(JsonNode n, decimal min, decimal max) =>
            n.AsDecimal() is var v && v >= min && v <= max ? v : throw n.Error($"must be between {min} and {max}");
        var scoresNode = node.Required("scores");
        scoresNode.AllowOnly([.. Scorecard.ScoredComponents]);
        var scores = Scorecard.ScoredComponents.ToDictionary(c => c, c => Within(scoresNode.Required(c), 0m, 10m), StringComparer.Ordinal);
        return new ScorecardInputs(Within(node.Required("trustpilotStars"), 1m, 5m), Within(node.Required("internalReview"), 1m, 10m),
            scores, node.Required("source").AsString());
    }

    /// <summary>A6 repeats: <c>{"visitorClicks": 10, "addressClicks": 50, "windowSeconds": 60}</c>; a field left out keeps its default.</summary>
    private static ClickSpamLimits ClickSpam(JsonNode node)
    {
        node.AllowOnly("visitorClicks", "addressClicks", "windowSeconds");
        int Within(string name, int fallback, int min, int max) =>
            node.Optional(name) is not { } n ? fallback : n.AsInt() is var v && v >= min && v <= max ? v : throw n.Error($"must be between {min} and {max}");
        var d = ClickSpamLimits.Default;
        return new ClickSpamLimits(Within("visitorClicks", d.VisitorClicks, 1, 10_000), Within("addressClicks", d.AddressClicks, 1, 1_000_000),
            TimeSpan.FromSeconds(Within("windowSeconds", (int)d.Window.TotalSeconds, 1, 86_400)));
    }

    /// <summary>E4 at application time: traffic sources the program refuses and channel hosts it does not moderate.</summary>
    private static ProhibitedSources Prohibited(JsonNode node)
    {
        node.AllowOnly("trafficSources", "channelHosts");
        var sources = node.Optional("trafficSources")?.Items().Select(n => TrafficTypes.All.Contains(n.AsString()) ? n.AsString()
            : throw n.Error($"unknown traffic source (one of {string.Join(", ", TrafficTypes.All)})")).ToList() ?? [];
        var hosts = node.Optional("channelHosts")?.Items().Select(h =>
        {
            h.AllowOnly("hosts", "reason");
            var names = h.Required("hosts").Items().Select(n => n.AsString() is var host && HostPattern().IsMatch(host) ? host
                : throw n.Error("must be a lowercase host name like facebook.com")).ToList();
            if (names.Count == 0) throw h.Required("hosts").Error("must name at least one host");
            return new ProhibitedHosts(names, h.Required("reason").AsString());
        }).ToList() ?? [];
        return new ProhibitedSources(sources, hosts);
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")]
    private static partial Regex HostPattern();

    public static ProgramDefinition Parse(string json, string source = "program")
    {
        var root = JsonNode.Parse(json, source);
        root.AllowOnly(Fields);

        var id = root.Required("id");
        if (!IdPattern().IsMatch(id.AsString())) throw id.Error("must be lowercase letters, digits and dashes");
        var attribution = root.Required("attribution");
        if (attribution.AsString() != "last_paid_click") throw attribution.Error("only last_paid_click is supported");
        var cookie = root.Required("cookieWindowDays");
        if (cookie.AsInt() is < 1 or > 365) throw cookie.Error("must be between 1 and 365");

        var regions = root.Required("regions").Properties().ToDictionary(
            p => p.Name,
            p => (IReadOnlySet<string>)p.Value.Items().Select(Country).ToHashSet(StringComparer.Ordinal));
        var categoryRates = Rates(root.Required("categoryRates"));
        var defaultCategory = root.Required("defaultCategory");
        if (!categoryRates.ContainsKey(defaultCategory.AsString())) throw defaultCategory.Error("must be one of categoryRates");

        var payoutCurrencies = root.Required("currency").Required("payout").Items().Select(p =>
        {
            p.AllowOnly("from", "currency");
            return new DatedCurrency(p.Required("from").AsTime(), CurrencyCode(p.Required("currency")));
        }).ToList();
        if (payoutCurrencies.Count == 0) throw root.Required("currency").Required("payout").Error("must name at least one currency");
        var internalRates = root.Required("currency").Required("internalRates").Items().Select(InternalRates).ToList();
        if (internalRates.Count == 0) throw root.Required("currency").Required("internalRates").Error("must hold at least one table");
        for (var i = 0; i < internalRates.Count; i++)
        {
            foreach (var pc in payoutCurrencies.Where(pc => !internalRates[i].Knows(pc.Currency)))
            {
                throw ProblemException.Invalid($"currency.internalRates[{i}].rates", $"has no rate for the payout currency {pc.Currency}");
            }
        }

        var payout = root.Required("payout");
        payout.AllowOnly("schedule", "weekday", "hour", "timeZone", "thresholds", "methods", "fourEyes", "selfBilling");
        var thresholdsNode = payout.Required("thresholds");
        var thresholds = thresholdsNode.Properties().ToDictionary(p => CurrencyCodeName(p.Name, p.Value), p => NonNegative(p.Value));
        foreach (var pc in payoutCurrencies.Where(pc => !thresholds.ContainsKey(pc.Currency)))
        {
            throw thresholdsNode.Error($"has no threshold for the payout currency {pc.Currency}");
        }
        var weekday = payout.Required("weekday");
        if (!Enum.TryParse<DayOfWeek>(weekday.AsString(), ignoreCase: false, out var day)) throw weekday.Error("must be a day of the week (Monday … Sunday)");
        var schedule = payout.Required("schedule");
        if (schedule.AsString() != "weekly") throw schedule.Error("only weekly is supported");
        var hour = payout.Optional("hour");
        if (hour is { } h && h.AsInt() is < 0 or > 23) throw h.Error("must be an hour of the day, 0 … 23");
        var zone = payout.Optional("timeZone");
        if (zone is { } z && !TimeZoneInfo.TryFindSystemTimeZoneById(z.AsString(), out _)) throw z.Error("must be an IANA time zone like Europe/Berlin");
        var methods = payout.Required("methods");
        if (methods.AsStrings() is var names && (names.Count == 0 || names.Any(m => m is not ("sepa" or "wire")))) throw methods.Error("must name sepa, wire or both");

        var hold = root.Required("holdDays");
        if (hold.AsInt() is < 0 or > 365) throw hold.Error("must be between 0 and 365");

        return new ProgramDefinition
        {
            Id = id.AsString(),
            Name = root.Required("name").AsString(),
            Marketplace = root.Required("marketplace").AsString(),
            Model = root.Required("model").AsString(),
            Attribution = attribution.AsString(),
            CookieWindowDays = cookie.AsInt(),
            AllowedHosts = root.Required("allowedHosts").AsStrings(),
            Languages = root.Required("languages").AsStrings(),
            Markets = root.Required("markets").Items().Select(Country).ToList(),
            Regions = regions,
            DeliveryRules = root.Required("deliveryRules").Items().Select(r => DeliveryRule(r, regions)).ToList(),
            CategoryRates = categoryRates,
            DefaultCategory = defaultCategory.AsString(),
            ZeroRateCategories = root.Required("zeroRateCategories").Properties().ToDictionary(p => p.Name, p => ReasonCode(p.Value)),
            ExcludedSections = root.Required("excludedSections").AsStrings().ToHashSet(StringComparer.OrdinalIgnoreCase),
            StoreLists = root.Required("storeLists").Items().Select(StoreList).ToList(),
            NonPayingStores = Dated(root.Required("nonPayingStores")),
            SellerRateBounds = Bounds(root.Required("sellerRateBounds")),
            OrderCap = root.Optional("orderCap") is { } cap ? NonNegative(cap) : null,
            Eligibility = Eligibility(root.Required("eligibility")),
            GeoMatch = root.Required("geoMatch").AsBool(),
            AnonymizersPay = root.Required("anonymizersPay").AsBool(),
            Campaigns = root.Required("campaigns").Items().Select(Campaign).ToList(),
            Tiers = root.Optional("tiers") is { } tiers ? Tiers(tiers, categoryRates) : null,
            PayoutCurrencies = payoutCurrencies,
            InternalRates = internalRates,
            HoldDays = hold.AsInt(),
            Payout = new PayoutTerms(schedule.AsString(), day, thresholds, methods.AsStrings(), hour is { } hh ? hh.AsInt() : 9,
                zone is { } zz ? TimeZoneInfo.FindSystemTimeZoneById(zz.AsString()).Id : "UTC",
                payout.Optional("fourEyes")?.AsBool() ?? false, payout.Optional("selfBilling")?.AsBool() ?? false),
            AutoAcceptRanking = root.Required("autoAcceptRanking").AsInt(),
            Scorecard = root.Optional("scorecard") is { } scorecard ? ScorecardInputs(scorecard) : null,
            Prohibited = root.Optional("prohibited") is { } prohibited ? Prohibited(prohibited) : ProhibitedSources.None,
            ClickSpam = root.Optional("clickSpam") is { } spam ? ClickSpam(spam) : ClickSpamLimits.Default,
        };
    }

    private static string Country(JsonNode node)
    {
        var s = node.AsString();
        return s.Length == 2 && char.IsAsciiLetterUpper(s[0]) && char.IsAsciiLetterUpper(s[1]) ? s : throw node.Error("must be an ISO 3166 alpha-2 country code (DE)");
    }

    private static string CurrencyCode(JsonNode node) =>
        Currency.TryFind(node.AsString(), out var c) ? c.Code : throw node.Error($"unknown currency '{node.AsString()}'");

    private static string CurrencyCodeName(string name, JsonNode at) =>
        Currency.TryFind(name, out var c) ? c.Code : throw ProblemException.Invalid(at.Path, $"unknown currency '{name}'");

    private static decimal Rate(JsonNode node)
    {
        var rate = node.AsDecimal();
        return rate is >= 0m and <= 1m ? rate : throw node.Error("must be a fraction between 0 and 1 (0.056 for 5.6%)");
    }

    private static decimal NonNegative(JsonNode node)
    {
        var value = node.AsDecimal();
        return value >= 0m ? value : throw node.Error("must not be negative");
    }

    private static Dictionary<string, decimal> Rates(JsonNode node) =>
        node.Properties().ToDictionary(p => p.Name, p => Rate(p.Value), StringComparer.Ordinal);

    private static string ReasonCode(JsonNode node) =>
        ReasonPattern().IsMatch(node.AsString()) ? node.AsString() : throw node.Error("must be a snake_case reason code");

    private static DeliveryRule DeliveryRule(JsonNode node, Dictionary<string, IReadOnlySet<string>> regions)
    {
        node.AllowOnly("region", "rates");
        var region = node.Required("region");
        if (region.AsString() != "*" && !regions.ContainsKey(region.AsString())) throw region.Error($"unknown region '{region.AsString()}'");
        var rates = node.Required("rates");
        var source = rates.AsString() switch
        {
            "seller_rate" => RateSource.SellerRate,
            "category_table" => RateSource.CategoryTable,
            "none" => RateSource.None,
            _ => throw rates.Error("must be seller_rate, category_table or none"),
        };
        return new DeliveryRule(region.AsString(), source);
    }

    private static DatedList Dated(JsonNode node)
    {
        node.AllowOnly("versions");
        var versions = node.Required("versions").Items().Select(v =>
        {
            v.AllowOnly("from", "items", "changedBy", "note");
            return new ListVersion(v.Required("from").AsTime(), v.Required("items").AsStrings().ToHashSet(StringComparer.OrdinalIgnoreCase),
                v.Required("changedBy").AsString(), v.OptionalString("note"));
        }).ToList();
        for (var i = 1; i < versions.Count; i++)
        {
            if (versions[i].From <= versions[i - 1].From) throw ProblemException.Invalid($"{node.Path}.versions[{i}].from", "must be later than the version before it");
        }
        return new DatedList(versions);
    }

    private static StoreList StoreList(JsonNode node)
    {
        node.AllowOnly("id", "name", "rate", "nonAffiliatedPays", "stores");
        return new StoreList(node.Required("id").AsString(), node.Required("name").AsString(), Rate(node.Required("rate")),
            node.Required("nonAffiliatedPays").AsBool(), Dated(node.Required("stores")));
    }

    private static RateBounds Bounds(JsonNode node)
    {
        node.AllowOnly("min", "max");
        var min = Rate(node.Required("min"));
        var max = node.Required("max");
        return Rate(max) >= min ? new RateBounds(min, Rate(max)) : throw max.Error("must not be below min");
    }

    private static Eligibility Eligibility(JsonNode node)
    {
        node.AllowOnly("affiliated", "nonAffiliated");
        return new Eligibility(TrafficTypeSet(node.Required("affiliated")), TrafficTypeSet(node.Required("nonAffiliated")));
    }

    private static HashSet<string> TrafficTypeSet(JsonNode node) => node.Items().Select(t =>
        TrafficTypes.All.Contains(t.AsString()) ? t.AsString() : throw t.Error($"unknown traffic type (one of {string.Join(", ", TrafficTypes.All)})")).ToHashSet();

    private static Campaign Campaign(JsonNode node)
    {
        node.AllowOnly("id", "name", "from", "to", "match", "multiplier", "rate");
        var from = node.Required("from").AsTime();
        var toNode = node.Optional("to");
        var to = toNode?.AsTime();
        if (to <= from) throw toNode!.Value.Error("must be later than from");
        var multiplier = node.Optional("multiplier");
        var rate = node.Optional("rate");
        if ((multiplier is null) == (rate is null)) throw node.Error("needs exactly one of multiplier and rate");
        if (multiplier is { } m && m.AsDecimal() <= 0m) throw m.Error("must be positive");
        var match = node.Required("match");
        match.AllowOnly("sellerOrigins", "affiliated", "productIds", "categories", "stores");
        static HashSet<string>? Set(JsonNode? n) => n?.AsStrings().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return new Campaign(node.Required("id").AsString(), node.Required("name").AsString(), from, to,
            new CampaignMatch(Set(match.Optional("sellerOrigins")), match.Optional("affiliated")?.AsBool(), Set(match.Optional("productIds")),
                Set(match.Optional("categories")), Set(match.Optional("stores"))),
            multiplier?.AsDecimal(), rate is { } r ? Rate(r) : null);
    }

    private static Tiers Tiers(JsonNode node, Dictionary<string, decimal> categoryRates)
    {
        node.AllowOnly("basis", "levels");
        var basis = node.Required("basis");
        if (basis.AsString() != "previous_month_confirmed_sales") throw basis.Error("only previous_month_confirmed_sales is supported");
        var levels = node.Required("levels").Items().Select(l =>
        {
            l.AllowOnly("name", "above", "categoryRates");
            var rates = l.Required("categoryRates");
            var parsed = Rates(rates);
            foreach (var name in parsed.Keys.Where(n => !categoryRates.ContainsKey(n))) throw ProblemException.Invalid($"{rates.Path}.{name}", "is not a category of categoryRates");
            return new Tier(l.Required("name").AsString(), NonNegative(l.Required("above")), parsed);
        }).ToList();
        return new Tiers(levels);
    }

    private static InternalRateTable InternalRates(JsonNode node)
    {
        node.AllowOnly("date", "base", "rates");
        var rates = node.Required("rates").Properties().ToDictionary(
            p => CurrencyCodeName(p.Name, p.Value),
            p => p.Value.AsDecimal() > 0m ? p.Value.AsDecimal() : throw p.Value.Error("must be positive"));
        return new InternalRateTable(node.Required("date").AsTime(), CurrencyCode(node.Required("base")), rates);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex ReasonPattern();
}
