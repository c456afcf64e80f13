using LastClick.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LastClick.Server;

public static partial class LastClickServer
{
    /// <summary>Issue 15: a publisher's postbacks (I2) — settings, the signing secret, a test, the delivery log, redelivery.</summary>
    private static void MapPostbacks(WebApplication app)
    {
        var api = RequireKey(app.MapGroup("/api/v1/postbacks"), KeyRole.Publisher).WithTags("postbacks")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        static string Me(HttpContext http) => CallerOf(http).PublisherId!;

        api.MapGet("", (HttpContext http, Platform platform) =>
        {
            var (secret, previous) = platform.Postbacks.Secrets(Me(http));
            return Results.Json(new PostbacksResponse([.. platform.Postbacks.Settings(Me(http)).Select(PostbackSettingResponse.Of)], secret, previous, Notifications.Postbacks.Macros.Keys));
        }).Produces<PostbacksResponse>().WithSummary("The publisher's postbacks, the signing secret (and the previous one during a rotation), the macros a URL may carry");

        api.MapPut("", async (HttpContext http, Platform platform) => await HandleAsync(http, async body =>
        {
            var request = PostbackRequest.Read(body);
            var setting = await platform.Postbacks.SaveAsync(Me(http), request.Url, request.Method, request.Events, request.Program, http.RequestAborted).ConfigureAwait(false);
            var (secret, _) = platform.Postbacks.Secrets(Me(http));
            return Results.Json(new PostbackSaved(PostbackSettingResponse.Of(setting), secret));
        }).ConfigureAwait(false)).WithBody<PostbackRequest>().Produces<PostbackSaved>().WithSummary("Set a postback: {\"url\":\"https://tracker.example/pb?cid={click_id}&status={status}&payout={commission}\",\"method\":\"GET|POST\",\"events\":[\"created\",\"pending\",\"confirmed\",\"payable\",\"paid\",\"declined\",\"adjusted\"],\"program\":\"…\"} (no program: every program)");

        api.MapDelete("", (HttpContext http, Platform platform) =>
            platform.Postbacks.Remove(Me(http), http.Request.Query["program"].FirstOrDefault()) ? Results.NoContent() : Problem(Common.Problem.NotFound("program", "no such postback")))
            .WithQuery(new QueryParameter("program", "The program's postback (default: the one for every program)"));

        api.MapPost("/secret/rotate", (HttpContext http, Platform platform) =>
        {
            var (secret, previous) = platform.Postbacks.Rotate(Me(http));
            return Results.Json(new SecretsResponse(secret, previous));
        }).Produces<SecretsResponse>().WithSummary("A new signing secret; the previous one stays valid until the next rotation");

        api.MapPost("/test", (HttpContext http, Platform platform) => Guard(() =>
            Results.Json(new TestDeliveriesResponse(platform.Postbacks.Test(Me(http))), statusCode: StatusCodes.Status202Accepted)))
            .Produces<TestDeliveriesResponse>(StatusCodes.Status202Accepted).WithSummary("Send a test postback to each of the publisher's postbacks (order_id test-…)");

        api.MapGet("/deliveries", (HttpContext http, Platform platform) => Guard(() =>
        {
            var (limit, offset) = Page(http);
            return Results.Json(new DeliveryListResponse(platform.Postbacks.Deliveries(Me(http), Math.Min(limit, 500), offset)));
        })).WithQuery(new QueryParameter("limit", "Deliveries to return, 1 to 500 (default 100)", "integer", "int32"), QueryParameter.Offset).Produces<DeliveryListResponse>().WithSummary("The delivery log, newest first: each delivery with its attempts (time, URL without secrets, status, latency, the answer's first bytes)");

        api.MapPost("/deliveries/{delivery:long}/redeliver", (long delivery, HttpContext http, Platform platform) => Guard(() =>
        {
            platform.Postbacks.Redeliver(Me(http), delivery);
            return Results.Json(new RedeliveryResponse(delivery, "pending"), statusCode: StatusCodes.Status202Accepted);
        })).Produces<RedeliveryResponse>(StatusCodes.Status202Accepted).WithSummary("Send a delivery again now (a dead one too)");
    }

    /// <summary>Issue 15: the operator's webhooks (integrations) — order attributed, claim filed, publisher applied, payout planned; signed, retried and logged as postbacks are.</summary>
    private static void MapWebhooks(WebApplication app)
    {
        var api = RequireKey(app.MapGroup("/api/v1/operator/webhooks"), KeyRole.Operator).WithTags("webhooks")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        const string Operator = Notifications.PostbackService.Operator;

        api.MapGet("", (Platform platform) =>
        {
            var (secret, previous) = platform.Postbacks.Secrets(Operator);
            return Results.Json(new WebhooksResponse([.. platform.Postbacks.Settings(Operator).Select(PostbackSettingResponse.Of)], secret, previous,
                Notifications.PostbackService.OperatorEvents.Keys));
        }).Produces<WebhooksResponse>().WithSummary("The operator's webhooks, the signing secret, the events a webhook may ask for");

        api.MapPut("", async (HttpContext http, Platform platform) => await HandleAsync(http, async body =>
        {
            var request = WebhookRequest.Read(body);
            var setting = await platform.Postbacks.SaveAsync(Operator, request.Url, "POST", request.Events, request.Program, http.RequestAborted).ConfigureAwait(false);
            return Results.Json(new WebhookSaved(PostbackSettingResponse.Of(setting), platform.Postbacks.Secrets(Operator).Secret));
        }).ConfigureAwait(false)).WithBody<WebhookRequest>().Produces<WebhookSaved>().WithSummary("Set a webhook: {\"url\":\"https://crm.example/hooks/lastclick\",\"events\":[\"order_attributed\",\"claim_filed\",\"publisher_applied\",\"payout_planned\"],\"program\":\"…\"}: a signed POST of {\"event\",\"event_id\",\"data\"}");

        api.MapDelete("", (HttpContext http, Platform platform) =>
            platform.Postbacks.Remove(Operator, http.Request.Query["program"].FirstOrDefault()) ? Results.NoContent() : Problem(Common.Problem.NotFound("program", "no such webhook")))
            .WithQuery(new QueryParameter("program", "The program's webhook (default: the one for every program)"));

        api.MapPost("/secret/rotate", (Platform platform) =>
        {
            var (secret, previous) = platform.Postbacks.Rotate(Operator);
            return Results.Json(new SecretsResponse(secret, previous));
        }).Produces<SecretsResponse>();

        api.MapPost("/test", (Platform platform) => Guard(() =>
            Results.Json(new TestDeliveriesResponse(platform.Postbacks.Test(Operator)), statusCode: StatusCodes.Status202Accepted)))
            .Produces<TestDeliveriesResponse>(StatusCodes.Status202Accepted);

        api.MapGet("/deliveries", (HttpContext http, Platform platform) => Guard(() =>
        {
            var (limit, offset) = Page(http);
            return Results.Json(new DeliveryListResponse(platform.Postbacks.Deliveries(Operator, Math.Min(limit, 500), offset)));
        })).WithQuery(new QueryParameter("limit", "Deliveries to return, 1 to 500 (default 100)", "integer", "int32"), QueryParameter.Offset).Produces<DeliveryListResponse>();

        api.MapPost("/deliveries/{delivery:long}/redeliver", (long delivery, Platform platform) => Guard(() =>
        {
            platform.Postbacks.Redeliver(Operator, delivery);
            return Results.Json(new RedeliveryResponse(delivery, "pending"), statusCode: StatusCodes.Status202Accepted);
        })).Produces<RedeliveryResponse>(StatusCodes.Status202Accepted);
    }
}
