using System.Globalization;
using LastClick.Access;
using LastClick.Common;
using LastClick.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LastClick.Server;

public static partial class LastClickServer
{
    /// <summary>
    /// Quality (H3): what a publisher's orders paid after declines and refunds, by category, store, market or month —
    /// its own, or the program's over every publisher (also by publisher and program) for the operator. JSON or CSV.
    /// </summary>
    private static void MapQuality(WebApplication app)
    {
        RequireKey(app.MapGroup("/api/v1/quality"), KeyRole.Publisher).WithTags("publisher")
            .MapGet("/{dimension}", (string dimension, HttpContext http, Platform platform) => Guard(() =>
                Quality(http, platform, dimension, CallerOf(http).PublisherId!, operatorScope: false)))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Quality of the publisher's orders by category, store, market or month (H3): decline and refund rates, antispam, confirmation lag, what pays per 100 of sales; ?format=csv for CSV")
            .WithQuery(QualityParameters(operatorScope: false)).Produces<QualityResult>().AlsoAs("text/csv");

        RequireKey(app.MapGroup("/api/v1/operator/quality"), KeyRole.Operator).WithTags("operator")
            .MapGet("/{dimension}", (string dimension, HttpContext http, Platform platform) => Guard(() =>
                Quality(http, platform, dimension, null, operatorScope: true)))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Quality over every publisher by category, store, market, month, publisher or program (H3); ?publisher= for one")
            .WithQuery(QualityParameters(operatorScope: true)).Produces<QualityResult>().AlsoAs("text/csv");
    }

    private static QueryParameter[] QualityParameters(bool operatorScope) =>
    [
        new("date_start", "First month, 2026-01 (or a day of it; default: eleven months before date_end)"),
        new("date_end", "Last month, included (default: this month, UTC)"),
        new("program", "Only this program's orders"),
        .. operatorScope ? [new QueryParameter("publisher", "Only this publisher's orders")] : Array.Empty<QueryParameter>(),
        new("currency", "ISO 4217 payout currency of the rows (default: the one with the most orders)"),
        new("limit", "Rows to return, 1 to 1000 (default 100), the most commission first (by month: the latest first)", "integer", "int32"),
        new("format", "json (default) or csv (also by Accept: text/csv)", Values: ["json", "csv"]),
    ];

    private static IResult Quality(HttpContext http, Platform platform, string dimension, string? publisherId, bool operatorScope)
    {
        var query = http.Request.Query;
        var csv = ReportInCsv(http);
        var request = QualityReport.Parse(dimension, query.Keys, name => query.TryGetValue(name, out var v) ? v.FirstOrDefault() : null, publisherId, operatorScope,
            platform.Clock.GetUtcNow(), csv);
        if (request.ProgramId is { } program) platform.Programs.Get(program, "program");
        var result = QualityReport.Run(platform.Store, request);
        if (!csv) return Results.Json(result);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{QualityFileName(result)}\"";
        return Results.Text(QualityCsv(result), "text/csv; charset=utf-8");
    }

    internal static string QualityFileName(QualityResult result) => $"lastclick-quality-{result.Dimension}-{result.From}-{result.To}.csv";

    /// <summary>The quality report as CSV: a row per value, then the totals (key "total"); money in the report's currency.</summary>
    internal static string QualityCsv(QualityResult result)
    {
        static string N(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
        static string C(long value) => value.ToString(CultureInfo.InvariantCulture);
        string[] Row(QualityRow r, string key) =>
        [
            key, C(r.Orders), C(r.Approved), C(r.Declined), C(r.RefundedFull), C(r.RefundedPartial), C(r.Fraud), N(r.Sales), N(r.Refunded), N(r.Commission),
            N(r.Pending), N(r.FraudCommission), N(r.EffectiveRate), N(r.DeclineRate), N(r.FullRefundRate), N(r.PartialRefundRate), N(r.PaysPer100),
            r.MedianLagDays?.ToString(CultureInfo.InvariantCulture) ?? "", r.P90LagDays?.ToString(CultureInfo.InvariantCulture) ?? "", C(r.LagSample),
            result.Currency ?? "",
        ];
        return Csv([result.Dimension, "orders", "approved", "declined", "refunded_full", "refunded_partial", "fraud", "sales", "refunded", "commission",
                "pending", "fraud_commission", "effective_rate", "decline_rate", "full_refund_rate", "partial_refund_rate", "pays_per_100",
                "median_lag_days", "p90_lag_days", "lag_sample", "currency"],
            [.. result.Rows.Select(r => Row(r, r.Key)), Row(result.Totals, "total")]);
    }
}

public static partial class LastClickServer
{
    /// <summary>
    /// H4: when the publisher's open commissions are expected to become payable and be paid, week by week with a 90%
    /// band, and how much of them will survive; the operator's is the program's liability over every publisher.
    /// </summary>
    private static void MapForecast(WebApplication app)
    {
        QueryParameter[] Parameters(bool operatorScope) =>
        [
            new("program", "The program (default: the one with the most open commission)"),
            .. operatorScope ? [new QueryParameter("publisher", "Only this publisher's commissions (default: every publisher's: the program's liability)")] : Array.Empty<QueryParameter>(),
            new("currency", "ISO 4217 payout currency (default: the largest open)"),
            new("weeks", "Weeks ahead, 1 to 26 (default 12)", "integer", "int32"),
        ];
        RequireKey(app.MapGroup("/api/v1/forecast"), KeyRole.Publisher).WithTags("publisher")
            .MapGet("", (HttpContext http, Platform platform) => Guard(() => Forecast(http, platform, CallerOf(http).PublisherId!, operatorScope: false)))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Cash-flow forecast (H4): the open commissions by the week they are expected to become payable and be paid, low / expected / high, from the program's own history")
            .WithQuery(Parameters(false)).Produces<Forecast.CashFlowForecast>();
        RequireKey(app.MapGroup("/api/v1/operator/forecast"), KeyRole.Operator).WithTags("operator")
            .MapGet("", (HttpContext http, Platform platform) => Guard(() => Forecast(http, platform, null, operatorScope: true)))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("The program's liability forecast (H4): what the marketplace is expected to pay publishers, week by week")
            .WithQuery(Parameters(true)).Produces<Forecast.CashFlowForecast>();
    }

    private static IResult Forecast(HttpContext http, Platform platform, string? publisherId, bool operatorScope)
    {
        var query = http.Request.Query;
        ProblemException.RefuseUnknown(query.Keys, operatorScope ? ["program", "currency", "weeks", "publisher"] : ["program", "currency", "weeks"]);
        var weeks = query["weeks"].FirstOrDefault() is { } w
            ? (int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw ProblemException.Invalid("weeks", "must be 1 to 26"))
            : 12;
        var publisher = operatorScope ? query["publisher"].FirstOrDefault() : publisherId;
        return Results.Json(platform.Forecasts.Project(publisher, query["program"].FirstOrDefault(), query["currency"].FirstOrDefault(), weeks));
    }
}
