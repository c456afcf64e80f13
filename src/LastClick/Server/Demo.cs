using System.Globalization;
using LastClick.Access;
using LastClick.Commissions;
using LastClick.Common;
using LastClick.Lifecycle;
using LastClick.Publishers;
using LastClick.Tracking;

namespace LastClick.Server;

/// <summary>
/// `serve --demo`: a living system at once. A demo publisher with links, the last day of clicks and orders on them
/// (some paid, some received, one refunded), and new operator, marketplace and publisher keys to try the API with.
/// The data is made once per store; the keys are new on every start (a key is only ever shown when created).
/// </summary>
public static class Demo
{
    public const string PublisherId = "demo-publisher";

    public sealed record Setup(string OperatorKey, string MarketplaceKey, string PublisherKey, IReadOnlyList<Link> Links, int Clicks, int Orders,
        IReadOnlyList<(string Role, string Email, string Password)> Accounts);

    /// <summary>The dashboard's demo sign-ins; their passwords are new on every start, like the keys.</summary>
    public static readonly IReadOnlyList<(string Role, string Email, string? Publisher)> DemoAccounts =
    [
        (AccountRoles.Admin, "admin@demo.lastclick.dev", null),
        (AccountRoles.Moderator, "moderator@demo.lastclick.dev", null),
        (AccountRoles.Publisher, "publisher@demo.lastclick.dev", PublisherId),
    ];

    private static readonly (string Program, string Destination, string Sub1, string Name)[] LinkPlan =
    [
        ("aliexpress-ww", "https://www.aliexpress.com/item/1005006041234567.html", "phone-cases-review", "Phone case review"),
        ("aliexpress-ww", "https://www.aliexpress.com/w/wholesale-garden-lights.html?SearchText=garden+lights", "garden-guide", "Garden lights guide"),
        ("aliexpress-ww", "https://www.aliexpress.com/", "sidebar", "Sidebar banner"),
        ("aliexpress-cis", "https://aliexpress.ru/item/1005005551234567.html", "ru-telegram", "Telegram channel"),
    ];

    // Addresses of consumer networks in the programs' markets (the store classifies them as any click).
    private static readonly (string Ip, string Country)[] Visitors =
    [
        ("81.2.69.142", "GB"), ("2.204.1.1", "DE"), ("90.84.1.1", "FR"), ("83.24.1.1", "PL"), ("79.116.1.1", "ES"),
        ("89.26.1.1", "PT"), ("5.2.1.1", "RO"), ("95.24.1.1", "RU"), ("37.214.1.1", "BY"),
    ];

    private static readonly (string Category, decimal Price)[] Goods =
    [
        ("Mobile phone accessories", 12.90m), ("Garden supplies", 34.50m), ("Women's clothing", 27.00m), ("Mobile phones", 189.00m),
        ("Hobby and crafts", 15.40m), ("Computer peripherals", 42.99m),
    ];

    public static Setup Seed(Platform platform, Web.Passwords passwords, int seed = 20261122)
    {
        // The demo pays by SEPA from an example account unless one is configured (Payouts:Debtor:…).
        platform.Payouts.Debtor ??= new Payouts.DebtorAccount("LastClick Demo Marketplace", "DE02120300000000202051", "BYLADEM1001");
        var now = platform.Clock.GetUtcNow();
        var (clicks, orders) = (0, 0);
        List<Link> links;
        if (platform.Publishers.Find(PublisherId) is null || platform.Links.ForPublisher(PublisherId, 100, 0) is not { Count: > 0 } existing)
        {
            platform.Publishers.Upsert(new Publisher(PublisherId, "content", 150));
            platform.Payouts.SetDetails(PublisherId, new PayoutDetails("sepa", "Demo Publisher GmbH", "DE89370400440532013000", "COBADEFFXXX", "Commerzbank",
                Address: new PostalAddress("Friedrichstraße 1", "10117", "Berlin", "DE"), VatId: "DE123456789"), "demo");
            links = [.. LinkPlan.Select(l => platform.Links.Create(PublisherId, new LinkRequest(l.Program, l.Destination, l.Sub1) { Name = l.Name }))];
            (clicks, orders) = Traffic(platform, links, now, new Random(seed));
            Catalog(platform, now);
        }
        else
        {
            // The demo's own links (not its feed's).
            links = [.. platform.Links.ForPublisher(PublisherId, 100, 0, withFeeds: false)];
        }
        var accounts = DemoAccounts.Select(a =>
        {
            var password = Web.Passwords.Generate();
            if (platform.Accounts.FindByEmail(a.Email) is { } existing) platform.Accounts.SetPassword(existing.Id, passwords.Hash(password), "demo");
            else platform.Accounts.Create(a.Email, $"Demo {a.Role}", passwords.Hash(password), a.Role, a.Publisher, "demo");
            return (a.Role, a.Email, password);
        }).ToList();
        Applicants(platform, passwords);
        return new Setup(platform.Keys.Create(KeyRole.Operator, label: "demo"), platform.Keys.Create(KeyRole.Marketplace, label: "demo"),
            platform.Keys.Create(KeyRole.Publisher, PublisherId, "demo"), links, clicks, orders, accounts);
    }

    /// <summary>The demo catalog: what its marketplace sells in the EU (the orders there buy these, so best sellers have pictures and prices).</summary>
    private static readonly (string Id, string Category, string Store, decimal Price, long Stock, string English, string French)[] CatalogItems =
    [
        ("1005006041234567", "Mobile phone accessories", "Case Store", 12.90m, 0, "Slim phone case", "Coque de téléphone fine"),
        ("1005006041234568", "Mobile phone accessories", "Case Store", 13.50m, 140, "Clear phone case", "Coque transparente"),
        ("1005006041234569", "Mobile phone accessories", "Case Store", 9.90m, 80, "Leather phone case", "Étui en cuir"),
        ("1005006041234570", "Mobile phone accessories", "Cable Co", 11.00m, 300, "Magnetic charging cable", "Câble magnétique"),
        ("1005006041234571", "Garden supplies", "Green Store", 34.50m, 25, "Solar garden lights (8)", "Lampes solaires de jardin (8)"),
        ("1005006041234572", "Garden supplies", "Green Store", 19.90m, 60, "Garden hose nozzle", "Pistolet d'arrosage"),
        ("1005006041234573", "Computer peripherals", "Key Store", 42.99m, 15, "Mechanical keyboard", "Clavier mécanique"),
        ("1005006041234574", "Women's clothing", "Mode Store", 27.00m, 33, "Linen summer dress", "Robe d'été en lin"),
    ];

    /// <summary>
    /// A small catalog in the demo's goods categories (the first link's phone case out of stock, so it shows as a broken link
    /// with suggestions), a feed, this month's best sellers so far, and banned keywords.
    /// </summary>
    private static void Catalog(Platform platform, DateTimeOffset now)
    {
        Products.Product Item(string id, string category, string store, decimal price, long stock, string en, string fr) =>
            Products.CatalogService.Canonical(new Products.Product(id, category, store, price, "EUR", stock, true, null, false, null, "CN",
                ["DE", "FR", "PL", "ES", "PT", "RO", "GB"], [$"https://ae01.alicdn.com/kf/demo-{id}.jpg"], $"https://www.aliexpress.com/item/{id}.html",
                [new Products.ProductText("en", en, $"{en}, shipped from the EU."), new Products.ProductText("fr", fr, null)]));
        platform.Catalog.Push([.. CatalogItems.Select(i => Item(i.Id, i.Category, i.Store, i.Price, i.Stock, i.English, i.French))], []);
        platform.Feeds.Create(PublisherId, new Products.FeedRequest("aliexpress-ww", "FR", "fr", Products.FeedFormat.Xml, new Products.FeedFilter(InStock: true),
            "feed-fr", "France, in stock"));
        platform.Keywords.Add(["AliExpress", "Ali Express", "Алиэкспресс", "AliExpress coupon"], "demo");
        Products.BestSellerJob.Run(platform.Store, Products.BestSellerJob.MonthOf(now), now, "demo");
        // An order the marketplace reported without a tracked click, and the publisher's claim for it (the operator's queue).
        platform.Orders.Ingest(new Order("demo-untracked-1", now.AddHours(-3), Currency.Of("EUR"), "FR",
            [new OrderLine("l1", "1005006041234571", "Garden supplies", "Green Store", 34.50m, 1, true, null, false, null, "CN")], "blocked-cookie"), "aliexpress-ww");
        platform.Claims.File(PublisherId, new Claims.ClaimRequest("aliexpress-ww", "demo-untracked-1", DateOnly.FromDateTime(now.UtcDateTime.AddHours(-3)), 34.50m, "EUR",
            "A reader bought the solar lights from my garden guide; her browser blocks cookies."));
        Products.BrokenLinks.Run(platform.Store, now, "demo");
    }

    /// <summary>Two applicants for the moderation queue (once per store): one waits on both programs, one names a channel RU&amp;CIS prohibits.</summary>
    private static void Applicants(Platform platform, Web.Passwords passwords)
    {
        (PublisherProfile Profile, string[] Programs)[] applicants =
        [
            (new PublisherProfile("Ana Costa", "ana@coupons.example", "PT", [new Channel("site", "https://cupoes.example/"), new Channel("social", "https://t.me/cupoes_example")],
                "coupons and deals", "coupon", ["coupon", "email"], ["PT", "ES", "FR"]), ["aliexpress-ww", "aliexpress-cis"]),
            (new PublisherProfile("Ivan Petrov", "ivan@gadgets.example", "KZ", [new Channel("social", "https://www.instagram.com/gadgets.example")],
                "gadget reviews", "social", ["social"], ["KZ", "RU"]), ["aliexpress-cis", "aliexpress-ww"]),
        ];
        foreach (var (profile, programs) in applicants)
        {
            if (platform.Accounts.FindByEmail(profile.Email) is not null) continue;
            platform.Applications.Apply(profile, null, programs, passwords.Hash(Web.Passwords.Generate()), platform.Accounts);
        }
    }

    /// <summary>A day of clicks over the links, about one in twenty followed by an order, and the orders' events.</summary>
    private static (int Clicks, int Orders) Traffic(Platform platform, List<Link> links, DateTimeOffset now, Random random) =>
        platform.Store.InSession(s =>
        {
            var (clicks, orders) = (0, 0);
            for (var i = 0; i < 600; i++)
            {
                var link = links[random.Next(links.Count)];
                var cis = link.ProgramId == "aliexpress-cis";
                var (ip, country) = Visitors[cis ? 7 + random.Next(2) : random.Next(7)];
                var at = now.AddSeconds(-random.Next(1, 24 * 3600));
                var visitor = $"demo{i:D4}";
                var bot = i % 50 == 7;
                platform.Tracking.RecordClick(s, new Click($"demo-click-{i:D4}", link.ProgramId, link.PublisherId, visitor, at, ip,
                    bot ? "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" : "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
                    "https://blog.example/", link.Code, link.Sub1, link.Sub2, link.Sub3, link.Sub4, link.Sub5));
                clicks++;
                if (bot || i % 20 != 3 || at > now.AddMinutes(-30)) continue;
                var lines = Enumerable.Range(1, 1 + random.Next(3)).Select(n =>
                {
                    if (!cis)
                    {
                        var item = CatalogItems[random.Next(CatalogItems.Length)];
                        return new OrderLine($"l{n}", item.Id, item.Category, item.Store, item.Price, 1 + random.Next(2),
                            Affiliated: true, SellerRate: null, Virtual: false, Section: null, SellerOrigin: "CN");
                    }
                    var (category, price) = Goods[random.Next(Goods.Length)];
                    return new OrderLine($"l{n}", $"10050{random.Next(10_000_000, 99_999_999)}", category, "Demo Store", price, 1 + random.Next(2),
                        Affiliated: true, SellerRate: null, Virtual: false, Section: null, SellerOrigin: "CN");
                }).ToList();
                var orderId = string.Create(CultureInfo.InvariantCulture, $"demo-order-{i:D4}");
                var orderAt = at.AddMinutes(5 + random.Next(120));
                platform.Orders.Ingest(s, new Order(orderId, orderAt, Currency.Of(cis ? "RUB" : "EUR"), country, lines, visitor),
                    link.ProgramId);
                orders++;
                platform.Orders.ApplyEvent(s, new OrderEvent($"{orderId}-paid", orderId, EventType.Paid, orderAt.AddMinutes(1)));
                if (orders % 3 == 0) platform.Orders.ApplyEvent(s, new OrderEvent($"{orderId}-received", orderId, EventType.GoodsReceived, orderAt.AddHours(2)));
                if (orders % 7 == 0) platform.Orders.ApplyEvent(s, new OrderEvent($"{orderId}-refund", orderId, EventType.Refunded, orderAt.AddHours(3)));
            }
            return (clicks, orders);
        });
}
