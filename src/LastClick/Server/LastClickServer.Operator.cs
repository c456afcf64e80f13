using LastClick.Access;
using LastClick.Common;
using LastClick.Payouts;
using LastClick.Programs;
using LastClick.Publishers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LastClick.Server;

public static partial class LastClickServer
{
    /// <summary>
    /// The operator's side (I1), enough for scripts, the demo and tests: programs, publishers, keys, orders and payout
    /// runs. Moderation and the full UI come with the dashboard (issue 4).
    /// </summary>
    private static void MapOperator(WebApplication app)
    {
        var api = RequireKey(app.MapGroup("/api/v1/operator"), KeyRole.Operator).WithTags("operator")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LastClick.Operator");

        api.MapGet("/programs", (Platform platform) => Results.Json(platform.Programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p =>
            new ProgramSummary(p.Id, p.Name, p.Model.ToString(), p.CookieWindowDays, [.. p.AllowedHosts], p.PayoutCurrencies.Select(c => c.Currency).Distinct()))))
            .Produces<IReadOnlyList<ProgramSummary>>();

        api.MapGet("/programs/{id}", (string id, Platform platform) => Guard(() =>
            Results.Text(ProgramCatalog.ToJson(platform.Programs.Get(id, "id")), "application/json"))).Produces<object>(StatusCodes.Status200OK, "application/json");

        api.MapGet("/publishers", (HttpContext http, Platform platform) => Guard(() =>
        {
            var (limit, offset) = Page(http);
            return Results.Json(new PublisherListResponse(platform.Publishers.List(limit, offset), limit, offset));
        })).WithPaging().Produces<PublisherListResponse>();

        api.MapGet("/publishers/{id}", (string id, Platform platform) =>
            platform.Publishers.Find(id) is { } publisher ? Results.Json(publisher) : Problem(Common.Problem.NotFound("id", $"no publisher '{id}'"))).Produces<Publishers.Publisher>();

        // Creates or updates a publisher (traffic type, ranking); answers 201 when it is new. Payout details are the publisher's own.
        api.MapPut("/publishers/{id}", async (string id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var request = PublisherEditRequest.Read(body);
            var existed = platform.Publishers.Find(id) is not null;
            platform.Publishers.Upsert(new Publisher(id, request.TrafficType, request.Ranking));
            var publisher = platform.Publishers.Find(id)!;
            var by = CallerOf(http).KeyPrefix;
            Log.PublisherSaved(log, by, id);
            return Results.Json(publisher, statusCode: existed ? StatusCodes.Status200OK : StatusCodes.Status201Created);
        }).ConfigureAwait(false)).Produces<Publishers.Publisher>().Produces<Publishers.Publisher>(StatusCodes.Status201Created).WithBody<PublisherEditRequest>();

        // A new key, shown once (only its hash is stored).
        api.MapPost("/keys", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var request = KeyCreateRequest.Read(body);
            var roleName = request.Role;
            if (!Enum.TryParse<KeyRole>(roleName, ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(roleName, out _))
            {
                throw ProblemException.Invalid("role", "must be operator, marketplace or publisher");
            }
            var publisher = request.Publisher;
            var key = platform.Keys.Create(role, publisher);
            var (by, name, prefix) = (CallerOf(http).KeyPrefix, ApiKeys.Name(role), key[..15]);
            Log.KeyCreated(log, by, name, prefix, publisher);
            return Results.Json(new KeyCreated(key, ApiKeys.Name(role), publisher), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).Produces<KeyCreated>(StatusCodes.Status201Created).WithBody<KeyCreateRequest>();

        api.MapGet("/orders/{id}", (string id, Platform platform) =>
            platform.Orders.Find(id) is { } order ? Results.Json(order) : Problem(Common.Problem.NotFound("id", $"no order '{id}'"))).Produces<Orders.OrderView>();
    }
}
