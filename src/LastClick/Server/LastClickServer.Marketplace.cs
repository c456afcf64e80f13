using LastClick.Access;
using LastClick.Common;
using LastClick.Programs;
using LastClick.Replay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LastClick.Server;

public static partial class LastClickServer
{
    /// <summary>The marketplace's side (I1): orders, their events and its own paid touches, each idempotent by id.</summary>
    private static void MapMarketplace(WebApplication app)
    {
        var api = RequireKey(app.MapGroup("/api/v1/marketplace"), KeyRole.Marketplace).WithTags("marketplace");

        api.MapPost("/orders", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var order = Scenario.ParseOrder(body);
            var programId = http.Request.Query["program"].FirstOrDefault() ?? DefaultProgram(platform.Programs, order.DeliveryCountry);
            return Results.Json(platform.Orders.Ingest(order, programId), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false));

        api.MapPost("/events", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var e = Scenario.ParseEvent(body);
            var applied = platform.Orders.ApplyEvent(e);
            return Results.Json(new { @event = e.Id, applied, order = platform.Orders.Find(e.OrderId) });
        }).ConfigureAwait(false));

        api.MapPost("/touches", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            if (body.Optional("id") is null) throw ProblemException.Invalid("id", "is required");
            platform.Tracking.RecordTouch(Scenario.ParseTouch(body, 0));
            return Results.NoContent();
        }).ConfigureAwait(false));
    }

    /// <summary>An unattributed order still belongs to a program: the first that pays for its delivery country.</summary>
    private static string DefaultProgram(ProgramCatalog programs, string country) =>
        programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(p => p.RuleFor(country) is { Rates: not RateSource.None })?.Id
        ?? programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).First().Id;
}
