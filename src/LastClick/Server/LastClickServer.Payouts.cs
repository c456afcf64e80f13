using LastClick.Access;
using LastClick.Common;
using LastClick.Payouts;
using LastClick.Publishers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LastClick.Server;

public static partial class LastClickServer
{
    /// <summary>
    /// Issue 14: payouts (D2, D3). Operators plan, approve, export and settle runs, download the bank files and
    /// statements, and adjust balances; publishers read their next payout and history, download statements and keep
    /// their payout details.
    /// </summary>
    private static void MapPayouts(WebApplication app)
    {
        var op = RequireKey(app.MapGroup("/api/v1/operator"), KeyRole.Operator).WithTags("payouts")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        static string Actor(HttpContext http) => "key:" + CallerOf(http).KeyPrefix;
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LastClick.Payouts");

        op.MapPost("/payouts", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var request = PayoutPlanRequest.Read(body);
            var program = platform.Programs.Get(request.Program, "program");
            var at = request.At ?? platform.Clock.GetUtcNow();
            var run = platform.Payouts.Plan(program.Id, at, Actor(http));
            Log.PayoutRun(log, run.Id, program.Id, run.Lines.Count);
            return Results.Json(PayoutRunResponse.Of(run), statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).WithBody<PayoutPlanRequest>().WithSummary("Plan a payout run now (or at a past instant): lines computed, no money moved. Planning the same instant again answers the same run").Produces<PayoutRunResponse>(StatusCodes.Status201Created);

        op.MapGet("/payouts", (HttpContext http, Platform platform) => Guard(() =>
        {
            var q = http.Request.Query;
            var program = q["program"].FirstOrDefault() is { } p ? platform.Programs.Get(p, "program").Id : null;
            var (limit, _) = Page(http);
            return Results.Json(new PayoutRunListResponse([.. platform.Payouts.Runs(program, q["status"].FirstOrDefault(), Math.Min(limit, 500)).Select(PayoutRunResponse.Of)]));
        })).WithSummary("Payout runs, newest first (program, status=planned|approved|exported|settled, limit)").Produces<PayoutRunListResponse>().WithQuery(new QueryParameter("program", "Only this program's runs"), new QueryParameter("status", "Only runs in this state", Values: ["planned", "approved", "exported", "settled"]), new QueryParameter("limit", "Runs to return, 1 to 500 (default 100)", "integer", "int32"));

        op.MapGet("/payouts/{run}", (string run, HttpContext http, Platform platform) => Guard(() =>
        {
            var (limit, offset) = Page(http);
            return platform.Payouts.Get(run, limit, offset) is { } view ? Results.Json(PayoutRunResponse.Of(view)) : Problem(Common.Problem.NotFound("run", $"no payout run '{run}'"));
        })).WithSummary("A run with its totals, its lines counted by status and a page of its lines by publisher (limit, offset; default the first 100)").Produces<PayoutRunResponse>().WithQuery(new QueryParameter("limit", "Lines to return, 1 to 1000 (default 100)", "integer", "int32"), QueryParameter.Offset);

        op.MapPost("/payouts/{run}/approve", async (string run, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            body.AllowOnly();
            return Results.Json(PayoutRunResponse.Of(platform.Payouts.Approve(run, Actor(http))));
        }).ConfigureAwait(false)).WithSummary("Approve a planned run (a second, different admin too where the program has fourEyes)").Produces<PayoutRunResponse>();

        op.MapPost("/payouts/{run}/export", async (string run, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            body.AllowOnly();
            return Results.Json(PayoutRunResponse.Of(platform.Payouts.Export(run, Actor(http))));
        }).ConfigureAwait(false)).WithSummary("Export an approved run: money payable → paid, bank files written. Exporting again changes nothing").Produces<PayoutRunResponse>();

        op.MapPost("/payouts/{run}/lines/{publisher}/settle", async (string run, string publisher, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            return Results.Json(PayoutRunResponse.Of(platform.Payouts.Settle(run, publisher, Actor(http), SettleRequest.Read(body).Currency)));
        }).ConfigureAwait(false)).WithBody<SettleRequest>().WithSummary("The bank paid the publisher's line ({\"currency\"} names the line when the publisher has two in the run)").Produces<PayoutRunResponse>();

        op.MapPost("/payouts/{run}/lines/{publisher}/return", async (string run, string publisher, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var r = ReturnRequest.Read(body);
            return Results.Json(PayoutRunResponse.Of(platform.Payouts.Return(run, publisher, r.Reason, Actor(http), r.Currency)));
        }).ConfigureAwait(false)).WithBody<ReturnRequest>().WithSummary("The bank returned the publisher's payment ({\"reason\":\"AC04 account closed\"}): the money goes back to payable, the next run pays it").Produces<PayoutRunResponse>();

        op.MapGet("/payouts/{run}/files/sepa.xml", (string run, Platform platform) => BankFile(platform, run, BankFiles.SepaName))
            .WithSummary("The run's SEPA credit transfer file (pain.001.001.03), as written at export").Produces<string>(StatusCodes.Status200OK, "application/xml");
        op.MapGet("/payouts/{run}/files/wire.csv", (string run, Platform platform) => BankFile(platform, run, BankFiles.WireName))
            .WithSummary("The run's international wire file (CSV), as written at export").Produces<string>(StatusCodes.Status200OK, "text/csv");
        op.MapGet("/payouts/{run}/statements/{publisher}.csv", (string run, string publisher, Platform platform) => StatementFile(platform, run, publisher, pdf: false)).Produces<string>(StatusCodes.Status200OK, "text/csv");
        op.MapGet("/payouts/{run}/statements/{publisher}.pdf", (string run, string publisher, Platform platform) => StatementFile(platform, run, publisher, pdf: true)).Produces<byte[]>(StatusCodes.Status200OK, "application/pdf");

        op.MapPost("/publishers/{id}/adjustments", async (string id, HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var r = AdjustmentRequest.Read(body);
            var adjustment = platform.Payouts.Adjust(r.Program, id, r.Currency, r.Amount, r.Reason, r.Note, r.Reference, Actor(http));
            return Results.Json(adjustment, statusCode: StatusCodes.Status201Created);
        }).ConfigureAwait(false)).WithBody<AdjustmentRequest>().WithSummary("Credit (positive amount) or debit (negative) a publisher's payable balance: reason bonus|correction|goodwill|other; a reference makes a retry harmless").Produces<AdjustmentView>(StatusCodes.Status201Created);

        op.MapGet("/publishers/{id}/adjustments", (string id, Platform platform) => Results.Json(new AdjustmentListResponse(platform.Payouts.Adjustments(id)))).Produces<AdjustmentListResponse>();

        var api = RequireKey(app.MapGroup("/api/v1"), KeyRole.Publisher).WithTags("payouts")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        static string Me(HttpContext http) => CallerOf(http).PublisherId!;

        api.MapGet("/payouts", (HttpContext http, Platform platform) => Results.Json(new PublisherPayoutsResponse(
            platform.Payouts.Upcoming(Me(http)), platform.Payouts.History(Me(http))))).Produces<PublisherPayoutsResponse>().WithSummary("The next payout per program (date, payable, threshold, what holds it) and the history of runs");

        api.MapGet("/payouts/{run}/statement.csv", (string run, HttpContext http, Platform platform) => StatementFile(platform, run, Me(http), pdf: false)).Produces<string>(StatusCodes.Status200OK, "text/csv");
        api.MapGet("/payouts/{run}/statement.pdf", (string run, HttpContext http, Platform platform) => StatementFile(platform, run, Me(http), pdf: true)).Produces<byte[]>(StatusCodes.Status200OK, "application/pdf");

        api.MapGet("/payout_details", (HttpContext http, Platform platform) => Guard(() =>
        {
            var (details, hold) = platform.Payouts.DetailsAndHold(Me(http));
            return Results.Json(DetailsJson(details, hold));
        })).Produces<PayoutDetailsResponse>();

        api.MapPut("/payout_details", async (HttpContext http, Platform platform) => await Handle(http, body =>
        {
            var details = PayoutDetailsRequest.Read(body).ToDetails();
            var hold = platform.Payouts.SetDetails(Me(http), details, Actor(http));
            var (stored, _) = platform.Payouts.DetailsAndHold(Me(http));
            return Results.Json(DetailsJson(stored, hold));
        }).ConfigureAwait(false)).WithBody<PayoutDetailsRequest>().WithSummary("Set payout details: {\"method\":\"sepa\",\"holder\",\"iban\",\"bic\"} or {\"method\":\"wire\",\"holder\",\"account\",\"bankName\",\"swift\",\"bankAddress\",\"currency\",\"address\":{…}}; a change after the first details holds the next payout for 48 h").Produces<PayoutDetailsResponse>();
    }

    private static PayoutDetailsResponse DetailsJson(PayoutDetails? d, DateTimeOffset? heldUntil) =>
        new(PayoutDetailsRules.IsComplete(d), heldUntil, d is null ? null : PayoutDetailsView.Of(d));


    private static IResult BankFile(Platform platform, string run, string name)
    {
        if (platform.Payouts.Get(run) is null) return Problem(Common.Problem.NotFound("run", $"no payout run '{run}'"));
        if (platform.Payouts.OpenFile(run, name) is not { } f)
        {
            return Problem(Common.Problem.NotFound("file", $"run '{run}' has no {name} (not exported yet, or no payment of that kind)"));
        }
        var media = f.Media + (f.Media.StartsWith("text/", StringComparison.Ordinal) ? "; charset=utf-8" : "");
        return Results.Stream(f.Content, media, $"{run}-{name}", entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{f.Sha256}\""));
    }

    private static IResult StatementFile(Platform platform, string run, string publisher, bool pdf) => Guard(() =>
    {
        if (Statements.For(platform.Store, platform.Programs, run, publisher) is not { } statement)
        {
            return Problem(Common.Problem.NotFound("run", $"no line of publisher '{publisher}' in payout run '{run}'"));
        }
        return pdf
            ? Results.File(Statements.Pdf(statement), "application/pdf", $"statement-{run}-{publisher}.pdf")
            : Results.File(Statements.Csv(statement), "text/csv; charset=utf-8", $"statement-{run}-{publisher}.csv");
    });
}
