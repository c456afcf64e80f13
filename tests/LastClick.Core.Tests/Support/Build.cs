using System.Globalization;
using LastClick.Attribution;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Programs;

namespace LastClick.Tests.Support;

/// <summary>Small builders for rule tests: real program definitions, plain records.</summary>
public static class Build
{
    public static readonly ProgramCatalog Catalog = ProgramCatalog.BuiltIn();
    public static ProgramDefinition Ww => Catalog.Get("aliexpress-ww");
    public static ProgramDefinition Cis => Catalog.Get("aliexpress-cis");

    public static DateTimeOffset T(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

    public static OrderLine Line(
        string id = "l1", string category = "All other categories", decimal price = 100m, int quantity = 1, bool affiliated = true,
        decimal? sellerRate = null, string? store = null, bool isVirtual = false, string? section = null, string? origin = null,
        string productId = "p-1") =>
        new(id, productId, category, store, price, quantity, affiliated, sellerRate, isVirtual, section, origin);

    public static Order Order(string currency = "USD", string country = "DE", string at = "2026-02-02T00:00:00Z", params OrderLine[] lines) =>
        new("o1", T(at), Currency.Of(currency), country, lines.Length == 0 ? [Line()] : lines, "v1");

    public static Touch Click(string id = "c1", string at = "2026-02-01T00:00:00Z", string publisher = "p1", string? country = null,
        bool anonymizer = false, string? invalid = null, long seq = 0) =>
        new(id, TouchKind.AffiliateClick, T(at), seq, publisher, null, country, anonymizer, invalid);

    public static Touch MarketplaceTouch(string id = "t1", string at = "2026-02-01T00:00:00Z", string channel = "marketplace-ads", long seq = 0) =>
        new(id, TouchKind.MarketplaceTouch, T(at), seq, Channel: channel);

    public static OrderCommission Compute(Order order, ProgramDefinition program, Touch? click = null, string trafficType = "content",
        decimal turnover = 0m, IReadOnlyDictionary<string, decimal>? refunds = null, string? declined = null)
    {
        var rates = Commission.Rate(order, click ?? Click(country: order.DeliveryCountry), program, new PublisherContext(trafficType, turnover));
        return Commission.Total(order, rates, program, refunds, declined);
    }

    public static LineCommission OneLine(Order order, ProgramDefinition program, Touch? click = null, string trafficType = "content", decimal turnover = 0m) =>
        Compute(order, program, click, trafficType, turnover).Lines.Single();

    /// <summary>A built-in program's JSON with edits applied, loaded through the real loader.</summary>
    public static ProgramDefinition Edited(string id, Func<string, string> edit) =>
        ProgramLoader.Parse(edit(BuiltInJson(id)), id + " (edited)");

    public static string BuiltInJson(string id) => File.ReadAllText(Path.Combine(RepoRoot, "programs", id + ".json"));

    public static string RepoRoot
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "LastClick.slnx"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repo root not found");
            return dir;
        }
    }
}
