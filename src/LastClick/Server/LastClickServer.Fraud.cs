using System.Globalization;
using LastClick.Common;
using LastClick.Access;
using LastClick.Fraud;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LastClick.Server;

public static partial class LastClickServer
{
    /// <summary>
    /// Issue 13: fraud review. Operators run the publisher-level analytics, read the findings, confirm (declines the orders
    /// behind one; deducts those paid out) or dismiss them, and suspend a publisher's links. Publishers read their confirmed
    /// findings with the evidence and answer them.
    /// </summary>
    private static void MapFraud(WebApplication app)
    {
        var op = RequireKey(app.MapGroup("/api/v1/operator/fraud"), KeyRole.Operator).WithTags("fraud")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        static string Actor(HttpContext http) => "key:" + CallerOf(http).KeyPrefix;

        op.MapPost("/analyze", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var request = AnalyzeRequest.Read(body);
            var yesterday = DateOnly.FromDateTime(platform.Clock.GetUtcNow().UtcDateTime).AddDays(-1);
            var from = request.From is { } f ? Day(f, "from") : yesterday;
            var to = request.To is { } t ? Day(t, "to") : from;
            return Results.Json(platform.Fraud.Analyze(from, to, Actor(http)));
        }).ConfigureAwait(false)).WithSummary("Run the publisher-level analytics (SIVT) over UTC days now: {\"from\":\"2026-02-01\",\"to\":\"2026-02-03\"} (default yesterday)").Produces<AnalysisRun>().WithBody<AnalyzeRequest>();

        op.MapGet("/findings", (HttpContext http, Platform platform) => Guard(() =>
        {
            var q = http.Request.Query;
            var (limit, offset) = Page(http);
            return Results.Json(new FindingListResponse(
                platform.Fraud.List(q["status"].FirstOrDefault(), q["publisher"].FirstOrDefault(), q["rule"].FirstOrDefault(), Math.Min(limit, 500), offset)));
        })).WithSummary("Findings, newest first (status=open|confirmed|dismissed, publisher, rule, limit, offset)").Produces<FindingListResponse>().WithQuery(new QueryParameter("status", "Only findings in this state", Values: FindingStatus.All), new QueryParameter("publisher", "Only this publisher's findings"), new QueryParameter("rule", "Only this rule's findings"), new QueryParameter("limit", "Findings to return, 1 to 500 (default 100)", "integer", "int32"), QueryParameter.Offset);

        op.MapGet("/findings/{id:long}", (long id, Platform platform) =>
            platform.Fraud.Find(id) is { } finding ? Results.Json(finding) : Problem(Common.Problem.NotFound("id", $"no finding {id}"))).Produces<Finding>();

        op.MapPost("/findings/{id:long}/confirm", async (long id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var r = ReasonRequest.Read(body);
            return Results.Json(platform.Fraud.Confirm(id, Actor(http), r.Reason, r.Note));
        }).ConfigureAwait(false)).WithBody<ReasonRequest>().WithSummary("Confirm a finding: its orders are declined (invalid_traffic or prohibited_practice), paid ones deducted (C2)").Produces<ConfirmResult>();

        op.MapPost("/findings/{id:long}/dismiss", async (long id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            return Results.Json(platform.Fraud.Dismiss(id, Actor(http), NoteRequest.Read(body).Note));
        }).ConfigureAwait(false)).WithBody<NoteRequest>().WithSummary("Dismiss a finding with a note saying why; no money moves").Produces<Finding>();

        op.MapPost("/publishers/{id}/suspend_links", async (string id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            return Results.Json(new LinksSuspended(id, true, platform.Fraud.SuspendLinks(id, true, Actor(http), NoteRequest.Read(body).Note)));
        }).ConfigureAwait(false)).WithBody<NoteRequest>().Produces<LinksSuspended>().WithSummary("Suspend every link of a publisher: visitors still reach the page, the clicks are invalid ('suspended')");

        op.MapPost("/publishers/{id}/restore_links", async (string id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            return Results.Json(new LinksSuspended(id, false, platform.Fraud.SuspendLinks(id, false, Actor(http), NoteRequest.Read(body).Note)));
        }).ConfigureAwait(false)).WithBody<NoteRequest>().Produces<LinksSuspended>().WithSummary("Restore a publisher's suspended links");

        var api = RequireKey(app.MapGroup("/api/v1/fraud"), KeyRole.Publisher).WithTags("fraud")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        static string Me(HttpContext http) => CallerOf(http).PublisherId!;

        api.MapGet("/findings", (HttpContext http, Platform platform) => Guard(() =>
        {
            var (limit, offset) = Page(http);
            return Results.Json(new FindingListResponse(platform.Fraud.ForPublisher(Me(http), Math.Min(limit, 500), offset)));
        })).WithSummary("The publisher's confirmed findings with their evidence").Produces<FindingListResponse>().WithQuery(new QueryParameter("limit", "Findings to return, 1 to 500 (default 100)", "integer", "int32"), QueryParameter.Offset);

        api.MapGet("/findings/{id:long}", (long id, HttpContext http, Platform platform) =>
            platform.Fraud.ForPublisher(Me(http), id) is { } finding ? Results.Json(finding) : Problem(Common.Problem.NotFound("id", $"no confirmed finding {id}"))).Produces<Finding>();

        api.MapPost("/findings/{id:long}/reply", async (long id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            return Results.Json(platform.Fraud.Reply(Me(http), id, NoteRequest.Read(body).Note));
        }).ConfigureAwait(false)).WithBody<NoteRequest>().WithSummary("Answer a confirmed finding (the operator reads it on the finding)").Produces<Finding>();
    }

    private static DateOnly Day(string text, string field) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day
            : throw ProblemException.Invalid(field, "must be a date (2026-02-01)");
}
