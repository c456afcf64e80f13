using LastClick.Access;
using LastClick.Common;
using LastClick.Data;
using LastClick.Orders;
using LastClick.Programs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LastClick.Server;

public static partial class LastClickServer
{
    /// <summary>The marketplace's side (I1): orders, their events and its own paid touches, each idempotent by id.</summary>
    private static void MapMarketplace(WebApplication app)
    {
        var api = RequireKey(app.MapGroup("/api/v1/marketplace"), KeyRole.Marketplace).WithTags("marketplace")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        // Each write joins the next group commit: answered once its batch is committed (and idempotent by id).
        api.MapPost("/orders", async (HttpContext http, Platform platform, GroupCommit commits) => await HandleAsync(http, async body =>
        {
            var order = OrderRequest.Read(body).ToOrder();
            var programId = http.Request.Query["program"].FirstOrDefault() ?? DefaultProgram(platform.Programs, order.DeliveryCountry);
            // Checked before it joins a batch: a refused order holds up no one's commit.
            OrderService.Validate(order, platform.Programs.Get(programId, "program"), "", platform.Clock.GetUtcNow());
            var view = await platform.Orders.IngestAsync(commits, order, programId, "").ConfigureAwait(false);
            return Results.Json(view, statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).Produces<OrderView>(StatusCodes.Status201Created).WithBody<OrderRequest>().WithSummary("Receive an order (idempotent by id)").WithQuery(new QueryParameter("program", "The program an unattributed order belongs to (default: the first that pays for its delivery country)"));

        api.MapPost("/events", async (HttpContext http, Platform platform, GroupCommit commits) => await HandleAsync(http, async body =>
        {
            var e = EventRequest.Read(body).ToEvent();
            // The same answer for the first delivery and for a repeat: the event's id and its order as it stands.
            var order = await platform.Orders.ApplyEventAsync(commits, e, "").ConfigureAwait(false);
            return Results.Json(new EventResponse(e.Id, order!));
        }).ConfigureAwait(false)).Produces<EventResponse>().WithBody<EventRequest>().WithSummary("Receive an order's event: paid, goods_received, auto_confirmed, cancelled, refunded, fraud (idempotent by id)");

        api.MapPost("/touches", async (HttpContext http, Platform platform, GroupCommit commits) => await HandleAsync(http, async body =>
        {
            var request = TouchRequest.Read(body);
            var touch = request.ToTouch(request.Id ?? throw ProblemException.Invalid("id", "is required"));
            Limits.CheckTime(touch.At, platform.Clock.GetUtcNow(), "at");
            // No key: on PostgreSQL a batch runs its touches before its orders (keyed), which may look for them.
            await commits.RunAsync(s =>
            {
                Tracking.TrackingService.RecordTouch(s, touch);
                return true;
            }).ConfigureAwait(false);
            return Results.NoContent();
        }).ConfigureAwait(false)).Produces(StatusCodes.Status204NoContent).WithBody<TouchRequest>().WithSummary("Receive a paid touch of the marketplace's own channels (A1)");

        // The catalog (G1): a batch of products created or updated by content, and ids that are gone. One transaction
        // of its own (not the group commit: a batch of thousands would hold up the orders queued behind it).
        api.MapPost("/products", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            body.AllowOnly("products", "gone");
            var products = body.Optional("products")?.Items().Select(Products.CatalogService.FromJson).ToList() ?? [];
            var gone = body.Optional("gone")?.AsStrings() ?? [];
            if (products.Count == 0 && gone.Count == 0) throw ProblemException.Invalid("products", "nothing to push: give products or gone ids");
            return Results.Json(platform.Catalog.Push(products, gone));
        }).ConfigureAwait(false)).Produces<Products.CatalogChange>().WithBody<ProductsPushRequest>().WithSummary("Push catalog products (idempotent by content) and mark products gone (G1)");
    }

    /// <summary>The answer to an event: its id and its order as it stands after it (the same for a repeat).</summary>
    public sealed record EventResponse(string Event, OrderView Order);

    /// <summary>An unattributed order still belongs to a program: the first that pays for its delivery country.</summary>
    private static string DefaultProgram(ProgramCatalog programs, string country) =>
        programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(p => p.RuleFor(country) is { Rates: not RateSource.None })?.Id
        ?? programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).First().Id;
}
