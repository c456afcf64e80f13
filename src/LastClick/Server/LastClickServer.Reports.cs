using System.Globalization;
using System.Text.Json.Serialization;
using LastClick.Access;
using LastClick.Common;
using LastClick.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LastClick.Server;

public static partial class LastClickServer
{
    /// <summary>
    /// Reports (H1) over the rollups: a publisher's own (its time zone's days), and the operator's over every
    /// publisher (UTC days unless time_zone says otherwise). JSON in Admitad's shape, or CSV with the same columns.
    /// </summary>
    private static void MapReports(WebApplication app)
    {
        RequireKey(app.MapGroup("/api/v1/reports"), KeyRole.Publisher).WithTags("publisher")
            .MapGet("/{dimension}", (string dimension, HttpContext http, Platform platform) => Guard(() =>
            {
                var me = CallerOf(http).PublisherId!;
                var zone = platform.Applications.Find(me)?.Profile?.Zone() ?? TimeZoneInfo.Utc;
                return Report(http, platform, dimension, me, zone);
            }))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Statistics by day, week, month, program, link, sub1…sub5, country, device or source (H1); ?format=csv for CSV")
            .WithQuery(ReportParameters(operatorScope: false)).Produces<ReportResponse>().AlsoAs("text/csv");

        RequireKey(app.MapGroup("/api/v1/operator/reports"), KeyRole.Operator).WithTags("operator")
            .MapGet("/{dimension}", (string dimension, HttpContext http, Platform platform) => Guard(() =>
                Report(http, platform, dimension, null, TimeZoneInfo.Utc)))
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .WithSummary("Statistics over every publisher, also by publisher (H1, C4); link and sub id reports take a publisher")
            .WithQuery(ReportParameters(operatorScope: true)).Produces<ReportResponse>().AlsoAs("text/csv");
    }

    /// <summary>A report's query string (<see cref="Reports.ReportRequest.Parameters"/>), as the API document shows it.</summary>
    private static QueryParameter[] ReportParameters(bool operatorScope) =>
    [
        new("date_start", "First day, local to time_zone: 2026-11-01 or 01.11.2026 (default: 29 days before date_end)", Format: "date"),
        new("date_end", "Last day, included (default: today in time_zone)", Format: "date"),
        new("time_zone", "IANA time zone the days are counted in, such as Europe/Berlin (default: the publisher's, else UTC)"),
        new("currency", "ISO 4217 code of the money columns (default: the currency with the most orders)"),
        new("order_by", "The dimension or a column (clicks, orders, sales, commission, …), '-' first for descending"),
        new("program", "Only this program's rows"),
        .. operatorScope ? [new QueryParameter("publisher", "Only this publisher's rows (needed by link and sub id reports)")] : Array.Empty<QueryParameter>(),
        new("link", "Only this link's rows"),
        new("subid1", "Only rows with this sub1"), new("subid2", "Only rows with this sub2"), new("subid3", "Only rows with this sub3"),
        new("subid4", "Only rows with this sub4"), new("subid5", "Only rows with this sub5"),
        new("country", "Only clicks and orders from this ISO 3166 country"),
        new("device", "Only this device class", Values: [Tracking.Devices.Desktop, Tracking.Devices.Mobile, Tracking.Devices.Tablet, Tracking.Devices.Bot, Tracking.Devices.Unknown]),
        new("source", "Only this traffic source"),
        new("format", "json (default) or csv (also by Accept: text/csv)", Values: ["json", "csv"]),
        new("limit", "Rows to return, 1 to 500 (default 20; CSV: up to 100,000)", "integer", "int32"),
        QueryParameter.Offset,
    ];

    private static IResult Report(HttpContext http, Platform platform, string dimension, string? publisherId, TimeZoneInfo zone)
    {
        var query = http.Request.Query;
        var csv = ReportInCsv(http);
        var request = ReportRequest.Parse(dimension, query.Keys, name => query.TryGetValue(name, out var v) ? v.FirstOrDefault() : null, publisherId, zone,
            platform.Clock.GetUtcNow(), csv);
        var result = Reports.Reports.Run(platform.Store, request);
        if (csv)
        {
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{ReportCsv.FileName(result)}\"";
            return Results.Text(ReportCsv.Write(result), "text/csv; charset=utf-8");
        }
        return Results.Json(ReportJson(result));
    }

    /// <summary>
    /// Whether a report's answer (reports, quality) is CSV: <c>format=csv</c>, or no format and <c>Accept: text/csv</c>;
    /// another format is refused. (The catalog's lists take <c>format=text</c> too: <see cref="WantsCsv"/>.)
    /// </summary>
    internal static bool ReportInCsv(HttpContext http)
    {
        var format = http.Request.Query["format"].FirstOrDefault();
        if (format is not (null or "json" or "csv")) throw ProblemException.Invalid("format", "must be json or csv");
        return format == "csv" || (format is null && http.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The JSON of a report: results (one object per row, the dimension's value under its own name), totals, _meta.</summary>
    internal static ReportResponse ReportJson(ReportResult result)
    {
        ReportRowResponse Row(ReportRow r, bool total) => new(r.Clicks, r.UniqueClicks, r.InvalidClicks, r.Orders, r.OrdersApproved, r.OrdersDeclined,
            r.Cr, r.Sales, r.CommissionPending, r.CommissionConfirmed, r.CommissionPayable, r.CommissionPaid, r.CommissionDeclined, r.Commission,
            r.Epc, r.ApprovalRate)
        {
            Dimension = total ? null : new Dictionary<string, object?>(StringComparer.Ordinal) { [result.Dimension] = r.Key },
        };
        return new ReportResponse([.. result.Rows.Select(r => Row(r, false))], Row(result.Totals, true),
            new ReportMeta(result.Count, result.Limit, result.Offset), result.Currency, result.Currencies, result.TimeZone,
            result.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), result.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }
}

/// <summary>A report as the API answers it (Admitad's statistics shape).</summary>
[System.ComponentModel.Description("A report: a row per value of the dimension (that value under the dimension's own name, \"day\": \"2026-11-01\"), the totals, paging, and the currency of its money columns")]
public sealed record ReportResponse(
    IReadOnlyList<ReportRowResponse> Results,
    ReportRowResponse Totals,
    [property: JsonPropertyName("_meta")] ReportMeta Meta,
    [property: System.ComponentModel.Description("The currency of the money columns; rows in other currencies count clicks and orders only")] string? Currency,
    [property: System.ComponentModel.Description("Every currency the range has orders in, the most orders first")] IReadOnlyList<string> Currencies,
    [property: JsonPropertyName("time_zone")] string TimeZone,
    [property: JsonPropertyName("date_start")] string DateStart,
    [property: JsonPropertyName("date_end")] string DateEnd);

public sealed record ReportMeta(
    [property: System.ComponentModel.Description("Rows in the whole report")] int Count, int Limit, int Offset);

/// <summary>One row of a report, or its totals.</summary>
public sealed record ReportRowResponse(
    long Clicks,
    [property: JsonPropertyName("unique_clicks")] long UniqueClicks,
    [property: JsonPropertyName("invalid_clicks")] long InvalidClicks,
    long Orders,
    [property: JsonPropertyName("orders_approved")] long OrdersApproved,
    [property: JsonPropertyName("orders_declined")] long OrdersDeclined,
    [property: System.ComponentModel.Description("Orders per click")] decimal? Cr,
    decimal Sales,
    [property: JsonPropertyName("commission_pending")] decimal CommissionPending,
    [property: JsonPropertyName("commission_confirmed")] decimal CommissionConfirmed,
    [property: JsonPropertyName("commission_payable")] decimal CommissionPayable,
    [property: JsonPropertyName("commission_paid")] decimal CommissionPaid,
    [property: JsonPropertyName("commission_declined")] decimal CommissionDeclined,
    decimal Commission,
    [property: System.ComponentModel.Description("Earnings per click")] decimal? Epc,
    [property: JsonPropertyName("approval_rate")] decimal? ApprovalRate)
{
    /// <summary>The row's value of the report's dimension, under the dimension's name (none on the totals).</summary>
    [JsonExtensionData]
    public Dictionary<string, object?>? Dimension { get; init; }
}
