using System.Globalization;
using LastClick.Access;
using LastClick.Claims;
using LastClick.Common;
using LastClick.Feeds;
using LastClick.Products;
using LastClick.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace LastClick.Server;

public static partial class LastClickServer
{
    /// <summary>Issue 6: feeds (G2, G3), best sellers (G4), the lists (G5, G6), broken links (F3) and missing-order claims.</summary>
    private static void MapCatalog(WebApplication app)
    {
        var api = RequireKey(app.MapGroup("/api/v1"), KeyRole.Publisher).WithTags("catalog")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        static string Me(HttpContext http) => CallerOf(http).PublisherId!;

        api.MapPost("/feeds", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var feed = platform.Feeds.Create(Me(http), FeedRequestOf(body));
            return Results.Json(FeedView(Origin(http), feed), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).Produces<FeedResponse>(StatusCodes.Status201Created).WithBody<FeedCreateRequest>().WithSummary(
            "Define a product feed: program, market, language, format, sub id and filters (G2); answers its stable URL");

        api.MapGet("/feeds", (HttpContext http, Platform platform) =>
            Results.Json(new FeedListResponse([.. platform.Feeds.ForPublisher(Me(http)).Select(f => FeedView(Origin(http), f))]))).Produces<FeedListResponse>();

        api.MapGet("/feeds/{feed}", (string feed, HttpContext http, Platform platform) =>
            platform.Feeds.Find(Me(http), feed) is { } found ? Results.Json(FeedView(Origin(http), found)) : FeedNotFound(feed)).Produces<FeedResponse>();

        // Revokes the feed's URL (its token); the owner can still fetch it here with the key, and its item links keep working.
        api.MapDelete("/feeds/{feed}", (string feed, HttpContext http, Platform platform) =>
        {
            if (platform.Feeds.Find(Me(http), feed) is null) return FeedNotFound(feed);
            platform.Feeds.Revoke(Me(http), feed); // a second revocation changes nothing
            return Results.NoContent();
        }).WithSummary("Revoke a feed's URL");

        api.MapGet("/feeds/{feed}/items", (string feed, HttpContext http, Platform platform) =>
            platform.Feeds.Find(Me(http), feed) is { } found
                ? ServeFeed(http, platform, found, FormatFromQuery(http, found.Format))
                : Task.FromResult(FeedNotFound(feed))).WithSummary("The feed itself, with the API key (format=csv|xml|json)").Produces<string>(StatusCodes.Status200OK, "application/xml", "text/csv", "application/json").WithQuery(new QueryParameter("format", "xml (Google Merchant RSS), csv or json; default the feed's", Values: ["xml", "csv", "json"]));

        api.MapGet("/broken_links", (HttpContext http, Platform platform) =>
            Results.Json(new BrokenLinkListResponse([.. BrokenLinks.ForPublisher(platform.Store, Me(http)).Select(b => BrokenView(Origin(http), b))])))
            .Produces<BrokenLinkListResponse>()
            .WithSummary("Links whose product is gone or out of stock, with up to three suggestions (F3)");

        api.MapGet("/claims", (HttpContext http, Platform platform) => Results.Json(new ClaimListResponse(platform.Claims.ForPublisher(Me(http)))))
            .Produces<ClaimListResponse>();

        api.MapPost("/claims", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            return Results.Json(platform.Claims.File(Me(http), ClaimFileRequest.Read(body).ToClaim()), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).Produces<Claim>(StatusCodes.Status201Created).WithBody<ClaimFileRequest>().WithSummary("File a missing-order claim");

        api.MapGet("/banned_keywords", (HttpContext http, Platform platform) =>
        {
            var keywords = platform.Keywords.All();
            return WantsCsv(http)
                ? Results.Text(KeywordsText(keywords), "text/plain; charset=utf-8")
                : Results.Json(new KeywordListResponse([.. keywords.Select(k => k.Keyword)]));
        }).Produces<KeywordListResponse>().AlsoAs("text/plain").WithSummary("The banned keywords for contextual advertising (G5); format=csv gives one per line");

        api.MapPost("/banned_keywords/check", async (HttpContext http, Platform platform) =>
        {
            var text = await Body(http).ConfigureAwait(false);
            return Guard(() =>
            {
                // JSON {"keywords": [...]} or plain text, one keyword per line.
                var keywords = http.Request.ContentType?.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) == true ? text.Split('\n') : FromJson(text);
                var checks = platform.Keywords.Check(keywords);
                return Results.Json(new KeywordCheckResponse(checks.Count(c => !c.Allowed), [.. checks.Select(c => new KeywordCheckResult(c.Keyword, c.Allowed, c.Banned))]));
            });
        }).WithBody<KeywordCheckRequest>().Produces<KeywordCheckResponse>().WithSummary("Check keywords against the banned list (whole words, case and accent insensitive)");

        static IReadOnlyList<string> FromJson(string text)
        {
            return KeywordCheckRequest.Read(JsonNode.Parse(text, "body")).Keywords;
        }

        api.MapGet("/non_paying_stores", (HttpContext http, Platform platform) => Guard(() =>
        {
            var programs = http.Request.Query["program"].FirstOrDefault() is { } id ? [platform.Programs.Get(id, "program")]
                : platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
            var now = platform.Clock.GetUtcNow();
            return WantsCsv(http)
                ? Results.Text(NonPayingStoresCsv(programs, now), "text/csv; charset=utf-8")
                : Results.Json(new NonPayingStoresResponse([.. programs.Select(p => (Program: p.Id, List: NonPayingStores.Current(p, now)))
                    .Select(l => new NonPayingStoreList(l.Program, l.List?.Label, l.List?.Items.Order(StringComparer.Ordinal).ToList() ?? []))]));
        })).Produces<NonPayingStoresResponse>().AlsoAs("text/csv").WithQuery(new QueryParameter("program", "Only this program's list"), new QueryParameter("format", "json (default) or csv", Values: ["json", "csv"])).WithSummary("The non-paying stores in force (G6), per program (?program= for one); format=csv for a spreadsheet");

        api.MapGet("/best_sellers/{market}", (string market, HttpContext http, Platform platform) => Guard(() =>
        {
            var list = BestSellerJob.List(platform.Store, BestSellerJob.Market(market), http.Request.Query["month"].FirstOrDefault());
            return WantsCsv(http)
                ? Results.Text(BestSellerCsv(list), "text/csv; charset=utf-8")
                : Results.Json(new BestSellersResponse(BestSellerJob.Market(market), list.Count > 0 ? list[0].Month : null, list));
        })).Produces<BestSellersResponse>().AlsoAs("text/csv").WithQuery(new QueryParameter("month", "The month ranked, yyyy-MM (default: the latest)"), new QueryParameter("format", "json (default) or csv", Values: ["json", "csv"])).WithSummary("A market's best sellers of the latest month ranked, or ?month=yyyy-MM (G4)");

        // The stable URL a scraper fetches (G2): the token is the feed's own key; the extension picks the format.
        app.MapGet("/feeds/{file}", (string file, HttpContext http, Platform platform) =>
        {
            var dot = file.LastIndexOf('.');
            if (dot <= 0) return Task.FromResult(FeedNotFound(file));
            FeedFormat format;
            try
            {
                format = Products.Feeds.ParseFormat(file[(dot + 1)..]);
            }
            catch (ProblemException)
            {
                return Task.FromResult(FeedNotFound(file));
            }
            return platform.Feeds.ByToken(file[..dot]) is { } feed ? ServeFeed(http, platform, feed, format) : Task.FromResult(FeedNotFound("token"));
        }).WithTags("catalog").WithSummary("A feed by its URL token: gzip, ETag and Last-Modified (G2)").Produces<string>(StatusCodes.Status200OK, "application/xml", "text/csv", "application/json").Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound);

        var op = RequireKey(app.MapGroup("/api/v1/operator"), KeyRole.Operator).WithTags("operator")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        static string Actor(HttpContext http) => "key:" + CallerOf(http).KeyPrefix;

        op.MapPost("/banned_keywords", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            return Results.Json(new KeywordsAddedResponse(platform.Keywords.Add(KeywordsAddRequest.Read(body).Keywords, Actor(http))), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).WithBody<KeywordsAddRequest>().Produces<KeywordsAddedResponse>(StatusCodes.Status201Created).WithSummary("Add banned keywords (audited)");

        op.MapDelete("/banned_keywords/{keyword}", (string keyword, HttpContext http, Platform platform) =>
            platform.Keywords.Remove(keyword, Actor(http)) ? Results.NoContent() : Problem(Common.Problem.NotFound("keyword", $"'{keyword}' is not listed")));

        op.MapPut("/programs/{id}/non_paying_stores", async (string id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var r = NonPayingStoresRequest.Read(body);
            var changed = NonPayingStores.Set(platform.ProgramEditor, id, r.Stores, r.Note, Actor(http), platform.Clock.GetUtcNow());
            return Results.Json(new NonPayingStoresChanged(changed));
        }).ConfigureAwait(false)).Produces<NonPayingStoresChanged>().WithBody<NonPayingStoresRequest>().WithSummary("Replace the non-paying stores from today: a new program version (audited)");

        op.MapGet("/claims", (HttpContext http, Platform platform) => Guard(() =>
        {
            var status = http.Request.Query["status"].FirstOrDefault() ?? "open";
            if (status is not ("open" or "accepted" or "declined")) throw ProblemException.Invalid("status", "open, accepted or declined");
            return Results.Json(new ClaimListResponse(platform.Claims.ByStatus(status)));
        })).Produces<ClaimListResponse>().WithQuery(new QueryParameter("status", "Claims in this state (default open)", Values: ["open", "accepted", "declined"]));

        op.MapGet("/claims/{id:long}", (long id, Platform platform) =>
            platform.Claims.Find(id) is { } claim ? Results.Json(new ClaimView(claim, platform.Claims.Evidence(claim))) : Problem(Common.Problem.NotFound("id", $"no claim #{id}"))).Produces<ClaimView>();

        op.MapPost("/claims/{id:long}/accept", async (long id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            return Results.Json(platform.Claims.Accept(id, Actor(http), NoteRequest.Read(body).Note));
        }).ConfigureAwait(false)).WithBody<NoteRequest>().WithSummary("Accept a claim: the order is credited to the publisher with a trace entry").Produces<Claim>();

        op.MapPost("/claims/{id:long}/decline", async (long id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var r = ReasonRequest.Read(body);
            return Results.Json(platform.Claims.Decline(id, Actor(http), r.RequiredReason, r.Note));
        }).ConfigureAwait(false)).WithBody<ReasonRequest>().WithSummary("Decline a claim with a reason code").Produces<Claim>();

        op.MapPost("/best_sellers/run", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var month = MonthRequest.Read(body).Month ?? BestSellerJob.MonthOf(platform.Clock.GetUtcNow().AddMonths(-1));
            return Results.Json(new BestSellersRun(month, BestSellerJob.Run(platform.Store, month, platform.Clock.GetUtcNow(), Actor(http))));
        }).ConfigureAwait(false)).Produces<BestSellersRun>().WithBody<MonthRequest>().WithSummary("Rank a month's best sellers now (the server does the previous month on the 1st)");

        op.MapPost("/broken_links/run", (HttpContext http, Platform platform) =>
            Results.Json(new BrokenLinksRun(BrokenLinks.Run(platform.Store, platform.Clock.GetUtcNow(), Actor(http))))).Produces<BrokenLinksRun>().WithSummary("Look for broken links now (the server does it daily)");
    }

    private static IResult FeedNotFound(string feed) => Problem(Common.Problem.NotFound("feed", $"no feed '{feed}'"));

    private static bool WantsCsv(HttpContext http) =>
        http.Request.Query["format"].FirstOrDefault() is "csv" or "text" || http.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase);

    private static FeedFormat FormatFromQuery(HttpContext http, FeedFormat stored) =>
        http.Request.Query["format"].FirstOrDefault() is { } f ? Products.Feeds.ParseFormat(f) : stored;

    internal static FeedRequest FeedRequestOf(JsonNode body)
    {
        body.AllowOnly("program", "market", "language", "format", "subId", "name", "filters");
        var filter = new FeedFilter();
        if (body.Optional("filters") is { } f)
        {
            f.AllowOnly("category", "store", "minPrice", "maxPrice", "priceCurrency", "minRate", "inStock", "bestSellers");
            filter = new FeedFilter(f.OptionalString("category"), f.OptionalString("store"), f.OptionalDecimal("minPrice"),
            f.OptionalDecimal("maxPrice"), f.OptionalString("priceCurrency"), f.OptionalDecimal("minRate"), f.Optional("inStock")?.AsBool() ?? false,
            f.Optional("bestSellers")?.AsBool() ?? false);
        }
        return new FeedRequest(body.Required("program").AsString(), body.Required("market").AsString().ToUpperInvariant(), body.Required("language").AsString(),
            Products.Feeds.ParseFormat(body.OptionalString("format") ?? "xml"), filter, body.OptionalString("subId"), body.OptionalString("name"));
    }

    public sealed record FeedResponse(
        string Code, string Name, string Program, string Market, string Language, string Format, FeedFilter Filters, string? SubId, string Url,
        DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    internal static FeedResponse FeedView(string origin, Feed f) => new(f.Code, f.Name, f.ProgramId, f.Market, f.Language, f.Extension, f.Filter, f.SubId,
        FeedUrl(origin, f), f.CreatedAt, f.RevokedAt);

    internal static string FeedUrl(string origin, Feed f) => $"{origin}/feeds/{f.Token}.{f.Extension}";

    private static BrokenLinkResponse BrokenView(string origin, BrokenLink b) =>
        new(b.LinkCode, $"{origin}/go/{b.LinkCode}", b.Destination, b.ProductId, b.Reason, b.FoundAt, b.Suggestions);

    /// <summary>The banned keywords as a download: one per line.</summary>
    internal static string KeywordsText(IEnumerable<BannedKeyword> keywords) => string.Concat(keywords.Select(k => k.Keyword + "\n"));

    /// <summary>The non-paying stores in force as CSV: program, store, the day the list took effect.</summary>
    internal static string NonPayingStoresCsv(IEnumerable<Programs.ProgramDefinition> programs, DateTimeOffset now) =>
        Csv(["program", "store", "since"], programs.SelectMany(p => NonPayingStores.Current(p, now) is { } list
            ? list.Items.Order(StringComparer.Ordinal).Select(s => new[] { p.Id, s, list.Label })
            : []));

    internal static string BestSellerCsv(IReadOnlyList<BestSeller> list) =>
        Csv(["month", "market", "rank", "product", "title", "category", "store", "orders", "units"], list.Select(b => new[]
        {
            b.Month, b.Market, b.Rank.ToString(CultureInfo.InvariantCulture), b.ProductId, b.Title ?? "", b.Category ?? "", b.Store ?? "",
            b.Orders.ToString(CultureInfo.InvariantCulture), b.Units.ToString(CultureInfo.InvariantCulture),
        }));

    /// <summary>A small CSV (a header and rows of text), formula-escaped: store names and titles are other people's text.</summary>
    internal static string Csv(IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvHelper.CsvWriter(writer, new CsvHelper.Configuration.CsvConfiguration(CultureInfo.InvariantCulture)
               { InjectionOptions = CsvHelper.Configuration.InjectionOptions.Escape }))
        {
            foreach (var column in header) csv.WriteField(column);
            csv.NextRecord();
            foreach (var row in rows)
            {
                foreach (var field in row) csv.WriteField(field);
                csv.NextRecord();
            }
        }
        return writer.ToString();
    }

    /// <summary>
    /// Serves a feed: 304 when the client's validators match (before any product is read), else the items streamed —
    /// gzip when the client accepts it — with a weak ETag (the bytes differ by encoding) and Last-Modified.
    /// </summary>
    internal static async Task<IResult> ServeFeed(HttpContext http, Platform platform, Feed feed, FeedFormat format)
    {
        var version = platform.Feeds.Version(feed);
        var etag = new EntityTagHeaderValue($"\"{version.ETag}-{Products.Feeds.Extension(format)}\"", isWeak: true);
        var request = http.Request.GetTypedHeaders();
        var response = http.Response.GetTypedHeaders();
        response.ETag = etag;
        response.LastModified = version.LastModified;
        http.Response.Headers.Vary = "Accept-Encoding";
        http.Response.Headers.CacheControl = "private, no-cache";
        var notModified = request.IfNoneMatch is { Count: > 0 } tags
            ? tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false))
            : request.IfModifiedSince is { } since && version.LastModified <= since;
        if (notModified) return Results.StatusCode(StatusCodes.Status304NotModified);

        var gzip = AcceptsGzip(request.AcceptEncoding);
        http.Response.ContentType = FeedWriter.ContentType(format);
        if (gzip) http.Response.Headers.ContentEncoding = "gzip";
        http.Response.Headers.ContentDisposition = $"inline; filename=\"lastclick-feed-{feed.Code}.{Products.Feeds.Extension(format)}\"";
        if (HttpMethods.IsHead(http.Request.Method)) return Results.Empty;
        var origin = Origin(http);
        await FeedWriter.StreamAsync(feed with { Format = format }, platform.Feeds.Items(feed, origin), http.Response.Body, gzip, origin,
            platform.Clock.GetUtcNow(), http.RequestAborted).ConfigureAwait(false);
        return Results.Empty;
    }

    /// <summary>Whether the client takes gzip: named, or by `*`, with a quality above zero (`gzip;q=0` refuses it).</summary>
    private static bool AcceptsGzip(IList<StringWithQualityHeaderValue> acceptEncoding) =>
        acceptEncoding.Any(e => (e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || e.Value.Equals("*", StringComparison.Ordinal))
            && (e.Quality is null || e.Quality > 0));

    /// <summary>A feed item's click: the feed's link (its publisher, program and sub id), redirected to the product's page.</summary>
    private static void MapProductRedirect(WebApplication app) =>
        app.MapGet("/go/{code}/{product}", (string code, string product, HttpContext http, Platform platform, ClickWriter writer, LinkCache links,
                DuplicateClicks repeats, Fraud.ClickSpam spam) =>
        {
            if (links.Get(code) is not { } link) return Task.FromResult(NoLink(code));
            var url = platform.Catalog.UrlOf(product);
            string destination;
            try
            {
                destination = url is null ? throw ProblemException.Invalid("product", "unknown") : LinkTargets.Validate(url, platform.Programs.Get(link.ProgramId).AllowedHosts, "product");
            }
            catch (ProblemException)
            {
                return Task.FromResult(Problem(new Common.Problem("not_found", "product", $"no product '{product}' on {link.ProgramId}'s sites")));
            }
            return Redirect(http, platform, writer, link with { Destination = destination }, repeats, spam);
        }).Produces(StatusCodes.Status302Found).ProducesProblem(StatusCodes.Status404NotFound).WithTags("tracking")
          .WithSummary("A feed item's tracking link: stores the click on the feed's link, then 302 to the product's page");
}
