using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LastClick.Fraud;
using LastClick.Publishers;

namespace LastClick.Bench;

/// <summary>How big a run is: visitors of the honest publishers, and the seed that makes a run repeatable.</summary>
public sealed record EvaluationOptions(int Visitors = 2000, int Seed = 13);

/// <summary>One detection rule's record: what it flagged, how much of that was fraud, and how much of its target it found.</summary>
public sealed record RuleScore(string Rule, int Flagged, int TruePositives, int Targets)
{
    public double Precision => Flagged == 0 ? 1 : (double)TruePositives / Flagged;
    public double Recall => Targets == 0 ? 1 : (double)TruePositives / Targets;
}

/// <summary>The outcome of a run against the goals of issue 13.</summary>
public sealed record EvaluationReport(
    int Clicks, int Orders, IReadOnlyList<RuleScore> Rules, int FraudOrders, int FraudCreditedByShapeOnly, int FraudCreditedAfterReview,
    IReadOnlyList<string> HonestPublishersFlagged, int BotClicks, int BotsFlagged, int HostingClicks, int HostingFlagged,
    int Navigations, int NavigationsFlagged, int Findings, TimeSpan Elapsed)
{
    public double FraudNotCredited => FraudOrders == 0 ? 1 : 1 - (double)FraudCreditedAfterReview / FraudOrders;

    public string Markdown()
    {
        var text = new StringBuilder();
        string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        text.AppendLine(CultureInfo.InvariantCulture, $"{Clicks} clicks, {Orders} orders, {Findings} findings, {Elapsed.TotalSeconds:0.0} s");
        text.AppendLine();
        text.AppendLine("| rule | flagged | fraud among them | target | precision | recall |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in Rules)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| `{r.Rule}` | {r.Flagged} | {r.TruePositives} | {r.Targets} | {P(r.Precision)} | {P(r.Recall)} |");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- fraudulent orders: {FraudOrders}; credited after the request shape alone: {FraudCreditedByShapeOnly}; after the review of the findings: {FraudCreditedAfterReview} → **{P(FraudNotCredited)} not credited** (goal ≥ 95%)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- honest publishers flagged: **{HonestPublishersFlagged.Count}** {(HonestPublishersFlagged.Count == 0 ? "" : $"({string.Join(", ", HonestPublishersFlagged)})")} (goal ≤ 1)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- listed bots flagged: **{BotsFlagged} of {BotClicks}**; hosting/VPN clicks flagged: **{HostingFlagged} of {HostingClicks}** (goal 100%)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- real browser navigations flagged: **{NavigationsFlagged} of {Navigations}** (goal 0%)");
        return text.ToString();
    }
}

/// <summary>
/// Labelled synthetic traffic (issue 13) sent through a real server: 50 publishers, 5 of them fraudulent — cookie stuffing
/// by image and iframe (<c>f-stuffer</c>), click spamming (<c>f-spammer</c>), bots and datacenter/VPN clicks (<c>f-bots</c>),
/// extension hijacking (<c>f-extension</c>), brand bidding (<c>f-bidder</c>). Clicks go to <c>/go</c> with the header shapes
/// real browsers send (Chrome and Firefox with Fetch Metadata, old Safari without), the client address in
/// <c>X-Forwarded-For</c> (the server must trust 127.0.0.1 as a proxy); orders go to the marketplace API; then the
/// operator's API runs the analytics and every finding is confirmed, as a reviewer would. Every click and order carries
/// the truth, and the report scores each rule against it.
/// </summary>
public static class TrafficEvaluation
{
    public const string Stuffer = "f-stuffer", Spammer = "f-spammer", Bots = "f-bots", Extension = "f-extension", Bidder = "f-bidder";
    public static readonly IReadOnlyList<string> Fraudsters = [Stuffer, Spammer, Bots, Extension, Bidder];

    private const string ChromeUa = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private const string FirefoxUa = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private const string OldSafariUa = "Mozilla/5.0 (iPhone; CPU iPhone OS 15_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1";
    private static readonly string[] BotUas = ["python-requests/2.32.3", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0"];

    private enum Browser { Chrome, Firefox, OldSafari }

    private enum Label { Honest, Stuffing, Framed, Spam, Bot, Hosting, Hijack, BrandBid }

    private sealed record Sent(string ClickId, string Publisher, Label Label);

    public static async Task<EvaluationReport> RunAsync(Uri server, Platform platform, EvaluationOptions options)
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(options.Seed);
        var honest = Enumerable.Range(0, 45).Select(i => $"h{i:00}").ToList();
        var links = new Dictionary<(string Publisher, string Program), string>();
        foreach (var publisher in honest.Concat(Fraudsters))
        {
            var type = publisher is Bidder || honest.IndexOf(publisher) >= 40 ? "paid_search" : publisher is Extension ? "browser_extension" : "content";
            platform.Publishers.Upsert(new Publisher(publisher, type, null, true));
            links[(publisher, "aliexpress-ww")] = platform.Links.Create(publisher, "aliexpress-ww", "https://www.aliexpress.com/item/1005001.html").Code;
        }
        links[(Bots, "aliexpress-cis")] = platform.Links.Create(Bots, "aliexpress-cis", "https://aliexpress.ru/item/1005001.html").Code;
        platform.Keywords.Add(["aliexpress", "ali express"], "evaluation");
        var marketplace = platform.Keys.Create(Access.KeyRole.Marketplace);
        var operatorKey = platform.Keys.Create(Access.KeyRole.Operator);

        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server };
        var sent = new List<Sent>();
        var truth = new Dictionary<string, string?>(StringComparer.Ordinal); // order → the fraudster that tried to take it (null: honest)
        var orders = new List<string>();
        var ips = new HashSet<string>(StringComparer.Ordinal);

        async Task<(string ClickId, string Visitor)> Click(string publisher, string program, Label label, string ip, string? visitor, Browser browser,
            string? dest = "document", string? mode = "navigate", string? referrer = null, string? query = null, string? agent = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/go/{links[(publisher, program)]}{query}");
            request.Headers.TryAddWithoutValidation("User-Agent", agent ?? browser switch { Browser.Chrome => ChromeUa, Browser.Firefox => FirefoxUa, _ => OldSafariUa });
            request.Headers.Add("X-Forwarded-For", ip);
            if (visitor is not null) request.Headers.Add("Cookie", $"lc_vid={visitor}");
            if (referrer is not null) request.Headers.Referrer = new Uri(referrer);
            if (browser != Browser.OldSafari)
            {
                // Fetch Metadata, as Chrome and Firefox (90+) send them; old Safari sends none.
                if (dest is not null) request.Headers.Add("Sec-Fetch-Dest", dest);
                if (mode is not null) request.Headers.Add("Sec-Fetch-Mode", mode);
                request.Headers.Add("Sec-Fetch-Site", "cross-site");
            }
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"/go answered {(int)response.StatusCode}");
            var location = response.Headers.Location!.ToString();
            var clickId = location[(location.IndexOf("lc_click=", StringComparison.Ordinal) + "lc_click=".Length)..].Split('&')[0];
            var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lc_vid=", StringComparison.Ordinal));
            sent.Add(new Sent(clickId, publisher, label));
            return (clickId, cookie["lc_vid=".Length..cookie.IndexOf(';', StringComparison.Ordinal)]);
        }

        // The server's time (a test runs its server on a clock that leaves room before midnight: the analytics are per UTC day).
        var start = platform.Clock.GetUtcNow();
        var orderNo = 0;
        async Task Order(string visitor, string? clickId, DateTimeOffset at, string? fraudster, string program = "aliexpress-ww", string country = "DE")
        {
            var id = $"eval-{++orderNo}";
            var price = (random.Next(500, 20_000) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            var currency = program == "aliexpress-cis" ? "RUB" : "USD";
            var line = program == "aliexpress-cis"
                ? $$"""{ "id": "l1", "productId": "1005001", "category": "Toys", "price": "{{price}}", "quantity": 1, "affiliated": true, "sellerRate": "0.05" }"""
                : $$"""{ "id": "l1", "productId": "1005001", "category": "Toys", "price": "{{price}}", "quantity": 1, "affiliated": true }""";
            var body = $$"""{ "id": "{{id}}", "visitor": "{{visitor}}", {{(clickId is null ? "" : $"\"clickId\": \"{clickId}\", ")}}"at": "{{at:O}}", "currency": "{{currency}}", "deliveryCountry": "{{country}}", "lines": [ {{line}} ] }""";
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/marketplace/orders?program={program}") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", marketplace);
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"order answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
            truth[id] = fraudster;
            orders.Add(id);
        }

        string ResidentialIp()
        {
            while (true)
            {
                // Public IPv4 addresses spread over the space (a few may be on hosting networks: harmless on the global program).
                var ip = $"{random.Next(11, 200)}.{random.Next(0, 256)}.{random.Next(0, 256)}.{random.Next(1, 255)}";
                if (!ip.StartsWith("100.", StringComparison.Ordinal) && !ip.StartsWith("127.", StringComparison.Ordinal) && ips.Add(ip)) return ip;
            }
        }
        Browser AnyBrowser() => random.Next(10) switch { < 6 => Browser.Chrome, < 8 => Browser.Firefox, _ => Browser.OldSafari };
        TimeSpan HumanDelay() => TimeSpan.FromMinutes(2 + random.Next(0, 110)) + TimeSpan.FromSeconds(random.Next(60));

        // Honest shoppers, some stuffed, some hijacked; one in ten buys.
        for (var v = 0; v < options.Visitors; v++)
        {
            var publisher = honest[random.Next(honest.Count)];
            var browser = AnyBrowser();
            var ip = ResidentialIp();
            var paid = honest.IndexOf(publisher) >= 40;
            var (click, visitor) = await Click(publisher, "aliexpress-ww", Label.Honest, ip, null, browser,
                referrer: paid ? "https://www.google.com/" : $"https://{publisher}.example/post-{v % 7}",
                query: paid ? $"?gclid=g{v}&utm_term={Uri.EscapeDataString(random.Next(2) == 0 ? "garden hose" : "phone case")}" : null).ConfigureAwait(false);
            var last = (Click: click, Fraudster: (string?)null);
            var roll = random.NextDouble();
            if (roll < 0.25)
            {
                // The stuffer's page, open in another tab, loads its link as an image or a hidden iframe with the visitor's cookie.
                var framed = random.Next(2) == 0;
                var (stuffed, _) = await Click(Stuffer, "aliexpress-ww", framed ? Label.Framed : Label.Stuffing, ip, visitor, browser,
                    dest: framed ? "iframe" : "image", mode: framed ? "navigate" : "no-cors", referrer: "https://coupons-stuff.example/").ConfigureAwait(false);
                last = (stuffed, Stuffer);
            }
            else if (roll < 0.35)
            {
                // An extension rewrites the marketplace's own page and sends the visitor through its link.
                var (hijacked, _) = await Click(Extension, "aliexpress-ww", Label.Hijack, ip, visitor, browser,
                    referrer: "https://www.aliexpress.com/item/1005001.html").ConfigureAwait(false);
                last = (hijacked, Extension);
            }
            if (random.NextDouble() < 0.10)
            {
                var at = start + HumanDelay();
                // The marketplace sends the visitor and, from the landing URL, the click id of the last click it saw.
                await Order(visitor, random.Next(2) == 0 ? last.Click : null, at, last.Fraudster).ConfigureAwait(false);
            }
        }

        // Honest noise the analytics must not mistake for fraud: a coupon site's readers who check out within a minute of
        // their click (a quarter of its orders), and an office whose three colleagues buy through one review site's links
        // within the hour, from one /24.
        for (var v = 0; v < options.Visitors / 20; v++)
        {
            var (click, visitor) = await Click("h05", "aliexpress-ww", Label.Honest, ResidentialIp(), null, AnyBrowser(), referrer: "https://h05.example/coupons").ConfigureAwait(false);
            if (random.NextDouble() < 0.4)
            {
                var fast = random.Next(4) == 0 ? TimeSpan.FromSeconds(15 + random.Next(40)) : HumanDelay();
                await Order(visitor, click, start + fast, null).ConfigureAwait(false);
            }
        }
        for (var k = 0; k < 3; k++)
        {
            var (click, visitor) = await Click("h07", "aliexpress-ww", Label.Honest, $"198.51.100.{20 + k}", null, AnyBrowser(), referrer: "https://h07.example/best-chargers").ConfigureAwait(false);
            await Order(visitor, click, start + TimeSpan.FromMinutes(20 + 10 * k), null).ConfigureAwait(false);
        }

        // The stuffer also stuffs the drive-by readers of its own site, who never buy: four for every shopper.
        for (var v = 0; v < 4 * options.Visitors; v++)
        {
            var framed = random.Next(2) == 0;
            await Click(Stuffer, "aliexpress-ww", framed ? Label.Framed : Label.Stuffing, ResidentialIp(), null, AnyBrowser(),
                dest: framed ? "iframe" : "image", mode: framed ? "navigate" : "no-cors", referrer: "https://coupons-stuff.example/").ConfigureAwait(false);
        }

        // The spammer fires fifteen clicks a second at each of its visitors; the few who later buy anyway are its to steal.
        for (var v = 0; v < options.Visitors / 10; v++)
        {
            var ip = ResidentialIp();
            var browser = AnyBrowser();
            var (_, visitor) = await Click(Spammer, "aliexpress-ww", Label.Spam, ip, null, browser, referrer: "https://free-gifts.example/").ConfigureAwait(false);
            for (var k = 1; k < 15; k++) await (Click(Spammer, "aliexpress-ww", Label.Spam, ip, visitor, browser, referrer: "https://free-gifts.example/")).ConfigureAwait(false);
            if (random.NextDouble() < 0.05) await Order(visitor, null, start + HumanDelay(), Spammer).ConfigureAwait(false);
        }

        // Bots on the global program; datacenter/VPN clicks on the RU&CIS program (A5), some followed by orders to Russia.
        for (var v = 0; v < options.Visitors / 20; v++)
        {
            await Click(Bots, "aliexpress-ww", Label.Bot, ResidentialIp(), null, Browser.Chrome, agent: BotUas[v % BotUas.Length]).ConfigureAwait(false);
            var (_, visitor) = await Click(Bots, "aliexpress-cis", Label.Hosting, $"5.8.72.{1 + v % 250}", null, AnyBrowser()).ConfigureAwait(false);
            if (v % 3 == 0) await Order(visitor, null, start + HumanDelay(), Bots, "aliexpress-cis", "RU").ConfigureAwait(false);
        }

        // The brand bidder buys ads on the marketplace's own name: real visitors, real navigations, from Google.
        for (var v = 0; v < options.Visitors / 10; v++)
        {
            var keyword = random.Next(2) == 0 ? "aliexpress" : "aliexpress coupon";
            var (click, visitor) = await Click(Bidder, "aliexpress-ww", Label.BrandBid, ResidentialIp(), null, AnyBrowser(),
                referrer: "https://www.google.com/", query: $"?gclid=b{v}&utm_medium=cpc&utm_term={Uri.EscapeDataString(keyword)}").ConfigureAwait(false);
            if (random.NextDouble() < 0.30) await Order(visitor, click, start + HumanDelay(), Bidder).ConfigureAwait(false);
        }

        bool Credited(string orderId, string publisher) => platform.Orders.Find(orderId) is { } o && o.Publisher == publisher && o.Status != "declined"
            && decimal.Parse(o.Commission, CultureInfo.InvariantCulture) > 0m;
        var fraudOrders = truth.Where(t => t.Value is not null).ToList();
        var passedShape = fraudOrders.Where(t => Credited(t.Key, t.Value!)).ToList();
        var creditedByShape = passedShape.Count;

        // The operator runs the analytics over the days the orders fell on and confirms every finding.
        var firstDay = DateOnly.FromDateTime(start.UtcDateTime);
        var lastDay = DateOnly.FromDateTime((start + TimeSpan.FromHours(3)).UtcDateTime);
        await Operator(http, operatorKey, "/api/v1/operator/fraud/analyze",
            $$"""{ "from": "{{firstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}}", "to": "{{lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}}" }""").ConfigureAwait(false);
        var findings = platform.Fraud.List(FindingStatus.Open, limit: 500);
        foreach (var finding in findings) await Operator(http, operatorKey, $"/api/v1/operator/fraud/findings/{finding.Id}/confirm", "{}").ConfigureAwait(false);
        var creditedAfter = fraudOrders.Count(t => Credited(t.Key, t.Value!));

        // Score each rule against the truth.
        var stored = platform.Store.Read(s => s.Query<(string Id, string? Reason, bool Anonymizer)>("SELECT id, invalid_reason, anonymizer FROM clicks"))
            .ToDictionary(c => c.Id, c => (c.Reason, c.Anonymizer), StringComparer.Ordinal);
        var rules = new List<RuleScore>();
        void Shape(string reason, params Label[] targets)
        {
            var flagged = sent.Where(c => stored[c.ClickId].Reason == reason).ToList();
            rules.Add(new RuleScore(reason, flagged.Count, flagged.Count(c => c.Label != Label.Honest), sent.Count(c => targets.Contains(c.Label))));
        }
        Shape(RequestShapes.CookieStuffing, Label.Stuffing);
        Shape(RequestShapes.HiddenClick, Label.Framed);
        Shape(RequestShapes.ExtensionInjection, Label.Hijack);
        Shape(ClickSpam.ClickSpamReason, Label.Spam);
        Shape(Tracking.InvalidReasons.Bot, Label.Bot);
        foreach (var rule in TrafficAnalytics.Rules)
        {
            // A finding names orders; its hits are those that were fraud. Its target: the fraudulent orders of the kinds it is
            // for that the request shape let through (the rest never reach the analytics credited).
            var named = findings.Where(f => f.Rule == rule).SelectMany(f => f.Evidence.Orders).Distinct(StringComparer.Ordinal).ToList();
            var target = rule switch
            {
                TrafficAnalytics.BrandBidding => passedShape.Count(t => t.Value == Bidder),
                TrafficAnalytics.ClicksPerOrder => passedShape.Count(t => t.Value is Spammer or Stuffer),
                _ => 0,
            };
            rules.Add(new RuleScore(rule, named.Count, named.Count(o => truth.GetValueOrDefault(o) is not null), target));
        }
        var honestFlagged = findings.Select(f => f.PublisherId).Where(p => !Fraudsters.Contains(p))
            .Concat(sent.Where(c => c.Label == Label.Honest && stored[c.ClickId].Reason is not null).Select(c => c.Publisher))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var navigations = sent.Where(c => c.Label is Label.Honest or Label.BrandBid).ToList();
        return new EvaluationReport(sent.Count, orders.Count, rules, fraudOrders.Count, creditedByShape, creditedAfter, honestFlagged,
            sent.Count(c => c.Label == Label.Bot), sent.Count(c => c.Label == Label.Bot && stored[c.ClickId].Reason == Tracking.InvalidReasons.Bot),
            sent.Count(c => c.Label == Label.Hosting), sent.Count(c => c.Label == Label.Hosting && stored[c.ClickId].Anonymizer),
            navigations.Count, navigations.Count(c => stored[c.ClickId].Reason is not null), findings.Count, watch.Elapsed);
    }

    private static async Task Operator(HttpClient http, string key, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
    }
}
