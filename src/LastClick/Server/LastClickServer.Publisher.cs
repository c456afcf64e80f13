using System.Globalization;
using LastClick.Access;
using LastClick.Common;
using LastClick.Orders;
using LastClick.Tracking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LastClick.Server;

public static partial class LastClickServer
{
    /// <summary>Rows a bulk request may hold.</summary>
    public const int MaxBulkLinks = 10_000;

    /// <summary>The publisher's side (I1): its links, commissions and balance; never another publisher's.</summary>
    private static void MapPublisher(WebApplication app)
    {
        var api = RequireKey(app.MapGroup("/api/v1"), KeyRole.Publisher).WithTags("publisher")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        static string Me(HttpContext http) => CallerOf(http).PublisherId!;
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LastClick.Links");

        api.MapPost("/links", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var request = LinkCreateRequest.Read(body);
            var link = platform.Links.Create(Me(http), request.ToLink());
            return Results.Json(LinkView(Origin(http), link), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).Produces<LinkResponse>(StatusCodes.Status201Created).WithBody<LinkCreateRequest>().WithSummary("Create a deep link with sub1…sub5 (F1)");

        // Bulk creation: a CSV with a header row (program, destination, sub1…sub5; program may come as ?program=).
        // All rows or none; answers JSON, or CSV when asked with Accept: text/csv.
        api.MapPost("/links/bulk", async (HttpContext http, Platform platform) =>
        {
            var text = await Body(http).ConfigureAwait(false);
            return Guard(() =>
            {
                var requests = LinkCsv.Parse(text, http.Request.Query["program"].FirstOrDefault(), MaxBulkLinks);
                var me = Me(http);
                var links = platform.Links.CreateMany(me, requests);
                Log.LinksCreated(log, me, links.Count);
                var origin = Origin(http);
                var views = links.Select(l => LinkView(origin, l)).ToList();
                return http.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase)
                    ? Results.Text(LinkCsv.Write(views.Select(v => (v.Link, v.TrackingUrl))), "text/csv; charset=utf-8", statusCode: StatusCodes.Status201Created)
                    : Results.Json(new BulkLinksResponse(views), statusCode: StatusCodes.Status201Created);
            });
        }).Produces<BulkLinksResponse>(StatusCodes.Status201Created).AlsoAs("text/csv", StatusCodes.Status201Created)
          .WithQuery(new QueryParameter("program", "The program of rows that name none")).WithSummary("Create links from a CSV (header program,destination,sub1…sub5): all rows or none");

        api.MapGet("/links", (HttpContext http, Platform platform) => Guard(() =>
        {
            var (limit, offset) = Page(http);
            var origin = Origin(http);
            return Results.Json(new LinkListResponse([.. platform.Links.ForPublisher(Me(http), limit, offset).Select(l => LinkView(origin, l))], limit, offset));
        })).WithPaging().Produces<LinkListResponse>().WithSummary("The publisher's links, newest first");

        api.MapGet("/links/{code}", (string code, HttpContext http, Platform platform) =>
            platform.Links.Find(code) is { } link && link.PublisherId == Me(http)
                ? Results.Json(LinkView(Origin(http), link))
                : NoLink(code)).Produces<LinkResponse>();

        // A changed link redirects to its new destination at once on this node, and on every node sharing a
        // PostgreSQL database as soon as the NOTIFY arrives.
        api.MapMethods("/links/{code}", ["PATCH"], async (string code, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var request = LinkChangeRequest.Read(body);
            var link = platform.Links.Update(Me(http), code, request.ToChange());
            Log.LinkChanged(log, code, link.PublisherId);
            return Results.Json(LinkView(Origin(http), link));
        }).ConfigureAwait(false)).Produces<LinkResponse>().WithBody<LinkChangeRequest>().WithSummary("Change a link's destination, sub ids or name; the redirect follows at once");

        api.MapGet("/commissions", (HttpContext http, Platform platform) => Guard(() =>
        {
            var q = http.Request.Query;
            // A plain date as date_end means through that day: [date_start, date_end + 1 day).
            DateTimeOffset? Date(string name, bool end = false) => q[name].FirstOrDefault() is not { } text ? null
                : Times.TryParse(text, out var time) && Limits.IsQueryable(time) ? (end && text.Length == 10 ? time.AddDays(1) : time)
                : throw ProblemException.Invalid(name, $"{Times.Expected}, from {Limits.Earliest.Year} to {Limits.LatestDate.Year - 1}");
            string? Sub(int i) => q[$"subid{i}"].FirstOrDefault() ?? q[$"sub{i}"].FirstOrDefault();
            var status = q["status"].FirstOrDefault();
            if (status is not null && !Enum.GetValues<Lifecycle.OrderStatus>().Any(v => OrderService.Name(v) == status))
            {
                throw ProblemException.Invalid("status", $"unknown status '{status}' (one of {string.Join(", ", Enum.GetValues<Lifecycle.OrderStatus>().Select(OrderService.Name))})");
            }
            var program = q["program"].FirstOrDefault();
            if (program is not null) platform.Programs.Get(program, "program");
            var (limit, offset) = Page(http);
            var filter = new CommissionFilter(status, program, Date("date_start"), Date("date_end", end: true),
                Sub(1), Sub(2), Sub(3), Sub(4), Sub(5), limit, offset, Date("status_updated_start"), Date("status_updated_end", end: true));
            return Results.Json(platform.Store.Read(s => OrderService.ForPublisher(s, Me(http), filter).Select(o => OrderService.ForItsPublisher(s, o)).ToList()));
        })).Produces<IReadOnlyList<OrderView>>().WithSummary(
            "Commissions with status, reason codes, rate traces, sub ids and the click's time, country and device; filters status, program, date_start, date_end, status_updated_start, status_updated_end, sub1…sub5, limit, offset")
            .WithPaging(
                new QueryParameter("status", "Only commissions in this status", Values: [.. Enum.GetValues<Lifecycle.OrderStatus>().Select(OrderService.Name)]),
                new QueryParameter("program", "Only this program's commissions"),
                new QueryParameter("date_start", "Orders placed at or after this time or date (2026-11-01 or 2026-11-01T10:00:00Z)"),
                new QueryParameter("date_end", "Orders placed before this time, or through this date"),
                new QueryParameter("status_updated_start", "Orders whose status or amounts changed at or after this time (reconciliation: what changed since the last pull)"),
                new QueryParameter("status_updated_end", "… changed before this time, or through this date"),
                new QueryParameter("sub1", "Only orders whose click carried this sub1 (also subid1)"), new QueryParameter("sub2", "… this sub2 (also subid2)"),
                new QueryParameter("sub3", "… this sub3 (also subid3)"), new QueryParameter("sub4", "… this sub4 (also subid4)"),
                new QueryParameter("sub5", "… this sub5 (also subid5)"));

        api.MapGet("/commissions/{orderId}", (string orderId, HttpContext http, Platform platform) =>
            platform.Orders.Find(orderId) is { } order && order.Publisher == Me(http)
                ? Results.Json(platform.Store.Read(s => OrderService.ForItsPublisher(s, order)))
                : Problem(new Problem("not_found", "orderId", $"no commission for order '{orderId}'"))).Produces<OrderView>();

        api.MapGet("/balance", (HttpContext http, Platform platform) =>
            Results.Json(platform.Ledger.Balances(Me(http)).Select(b => new BalanceResponse(b.Currency, b.Pending, b.Confirmed, b.Payable, b.Paid, b.Balance))))
            .Produces<IReadOnlyList<BalanceResponse>>();

        // Paged now; the default page is the largest (1000) so a client that read the whole history before still gets
        // what a history of that size holds.
        api.MapGet("/balance/history", (HttpContext http, Platform platform) => Guard(() =>
        {
            var (limit, offset) = Page(http, defaultLimit: 1000);
            return Results.Json(platform.Ledger.Transfers(Me(http), limit, offset)
                .Select(t => new TransferResponse(t.Id, t.Program, t.Order, t.PayoutRun, t.Kind, t.From, t.To, t.Currency, t.Amount, t.At)));
        })).WithQuery(new QueryParameter("limit", "Transfers to return, 1 to 1000 (default 1000)", "integer", "int32"), QueryParameter.Offset)
            .Produces<IReadOnlyList<TransferResponse>>();
    }

    public sealed record LinkResponse(Link Link, string TrackingUrl);

    public sealed record LinkListResponse(IReadOnlyList<LinkResponse> Links, int Limit, int Offset);

    /// <summary>A publisher's balances in one currency; <c>balance</c> is everything earned and not yet paid out.</summary>
    public sealed record BalanceResponse(string Currency, decimal Pending, decimal Confirmed, decimal Payable, decimal Paid, decimal Balance);

    /// <summary>A ledger transfer of the publisher's, from one account to another (pending, confirmed, payable, paid, program).</summary>
    public sealed record TransferResponse(long Id, string Program, string? Order, string? PayoutRun, string Kind, string From, string To,
        string Currency, decimal Amount, DateTimeOffset At);

    /// <summary>
    /// Where tracking URLs point: the configured public address (`--public-url`, setting PublicUrl) — never the Host
    /// header a caller chose; without one (a local install), the address the request came to.
    /// </summary>
    internal static string Origin(HttpContext http) =>
        http.RequestServices.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["PublicUrl"] is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{http.Items[Web.WebSetup.OriginalScheme] as string ?? http.Request.Scheme}://{http.Request.Host}";

    internal static LinkResponse LinkView(string origin, Link link) => new(link, string.Create(CultureInfo.InvariantCulture, $"{origin}/go/{link.Code}"));
}
