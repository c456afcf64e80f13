using LastClick.Common;
using LastClick.Data;
using LastClick.Programs;
using LastClick.Reports;

namespace LastClick.Forecast;

/// <summary>
/// H4 from the store: a publisher's open commissions (or a program's, over every publisher: the marketplace's
/// liability) projected by <see cref="CashFlow"/> with the program's own history — approvals and confirmation lags by
/// category over the last twelve months, read from the quality rollups (never a scan of past orders).
/// </summary>
public sealed class ForecastService(Store store, ProgramCatalog programs, TimeProvider clock)
{
    /// <summary>How far back the history reaches.</summary>
    public const int HistoryMonths = 12;

    /// <summary>
    /// The forecast of <paramref name="publisherId"/>'s open commissions (null: every publisher's) in one program and payout
    /// currency: the program asked, else the one with the most open commission; the currency asked, else its largest.
    /// </summary>
    public CashFlowForecast Project(string? publisherId, string? programId, string? currency, int weeks = 12)
    {
        if (programId is not null) programs.Get(programId, "program");
        if (currency is not null && !Common.Currency.TryFind(currency, out _)) throw ProblemException.Invalid("currency", $"'{currency}' is not a currency LastClick knows");
        if (weeks is < 1 or > 26) throw ProblemException.Invalid("weeks", "must be 1 to 26");
        if (publisherId is { Length: 0 or > Limits.MaxIdLength }) throw ProblemException.Invalid("publisher", $"must be 1 to {Limits.MaxIdLength} characters");
        if (publisherId is not null && !store.Read(s => Publishers.PublisherService.Exists(s, publisherId)))
        {
            throw new ProblemException(Problem.NotFound("publisher", $"unknown publisher '{publisherId}'"));
        }
        var now = clock.GetUtcNow();
        return store.Read(s =>
        {
            var open = s.Query<OpenRow>($"""
                SELECT o.id, o.publisher_id, o.program_id, o.at, o.delivery_country, o.status, o.confirmed_at, o.commission_minor, o.payout_currency,
                       (SELECT l.category FROM order_lines l WHERE l.order_id = o.id ORDER BY l.commission_minor DESC, l.line_no LIMIT 1) AS category
                FROM orders o
                WHERE o.status IN ('pending', 'confirmed', 'payable') AND o.publisher_id IS NOT NULL
                  {(publisherId is null ? "" : "AND o.publisher_id = @publisherId")} {(programId is null ? "" : "AND o.program_id = @programId")}
                """, new { publisherId, programId });
            var chosen = open.GroupBy(o => (o.ProgramId, o.PayoutCurrency))
                .Where(g => currency is null || g.Key.PayoutCurrency == currency)
                .OrderByDescending(g => g.Sum(o => Common.Currency.Of(o.PayoutCurrency).FromMinor(o.CommissionMinor))).ThenBy(g => g.Key.ProgramId, StringComparer.Ordinal)
                .FirstOrDefault();
            var program = programs.Get(chosen?.Key.ProgramId ?? programId ?? programs.All.OrderBy(p => p.Id, StringComparer.Ordinal).First().Id);
            var money = Common.Currency.Of(chosen?.Key.PayoutCurrency ?? currency ?? program.PayoutCurrencyAt(now).Code);
            var commissions = (chosen ?? Enumerable.Empty<OpenRow>()).Select(o => new OpenCommission(o.Id, Times.FromMicros(o.At), o.Category ?? "", o.DeliveryCountry,
                o.Status, o.ConfirmedAt is { } c ? Times.FromMicros(c) : null, money.FromMinor(o.CommissionMinor), o.PublisherId)).ToList();
            var (byCategory, whole) = History(s, program.Id, now);
            return CashFlow.Project(money.Code, commissions, byCategory, whole, program.Hold, program.Payout,
                Payouts.PayoutPlanner.Threshold(program, money, now), now, weeks);
        });
    }

    /// <summary>
    /// The program's approvals and lags by category and as a whole: over the <see cref="HistoryMonths"/> months that
    /// ended three months ago, whose orders are nearly all decided (the latest months hold the quick declines but not
    /// yet the slow confirmations: they would make approvals rarer and lags shorter than they are), or over the last
    /// twelve while the program is younger than that.
    /// </summary>
    private static (Dictionary<string, Outcomes> ByCategory, Outcomes Program) History(DbSession s, string programId, DateTimeOffset now)
    {
        var month = QualityRollup.MonthOf(Times.ToMicros(now));
        var (from, to) = (month - HistoryMonths - 2, month - 3);
        var mature = s.QuerySingleOrDefault<long?>("SELECT CAST(SUM(approved + declined) AS BIGINT) FROM quality_m WHERE program_id = @programId AND kind = 'order' AND bucket >= @from AND bucket <= @to",
            new { programId, from, to }) ?? 0;
        if (mature < CashFlow.MinSample) (from, to) = (month - HistoryMonths + 1, month);
        var decided = s.Query<(string Kind, string Value, long Approved, long Declined)>("""
            SELECT kind, value, CAST(SUM(approved) AS BIGINT), CAST(SUM(declined) AS BIGINT) FROM quality_m
            WHERE program_id = @programId AND bucket >= @from AND bucket <= @to AND kind IN ('order', 'category') GROUP BY kind, value
            """, new { programId, from, to });
        var lags = s.Query<(string Kind, string Value, int Days, long Orders)>("""
            SELECT kind, value, days, CAST(SUM(orders) AS BIGINT) FROM quality_lag_m
            WHERE program_id = @programId AND bucket >= @from AND bucket <= @to AND kind IN ('order', 'category') GROUP BY kind, value, days
            """, new { programId, from, to });
        Outcomes Of(string kind, string value)
        {
            var d = decided.FirstOrDefault(x => x.Kind == kind && x.Value == value);
            var histogram = new long[QualityRollup.MaxLagDays + 1];
            foreach (var l in lags.Where(x => x.Kind == kind && x.Value == value)) histogram[l.Days] += l.Orders;
            return new Outcomes(d.Approved, d.Declined, histogram);
        }
        var byCategory = decided.Where(x => x.Kind == QualityRollup.ByCategory).Select(x => x.Value).Distinct(StringComparer.Ordinal)
            .ToDictionary(v => v, v => Of(QualityRollup.ByCategory, v), StringComparer.Ordinal);
        return (byCategory, Of(QualityRollup.WholeOrder, ""));
    }

#pragma warning disable CA1812 // filled by the row mapper
    private sealed class OpenRow
    {
        public string Id { get; set; } = "";
        public string PublisherId { get; set; } = "";
        public string ProgramId { get; set; } = "";
        public long At { get; set; }
        public string DeliveryCountry { get; set; } = "";
        public string Status { get; set; } = "";
        public long? ConfirmedAt { get; set; }
        public long CommissionMinor { get; set; }
        public string PayoutCurrency { get; set; } = "";
        public string? Category { get; set; }
    }
#pragma warning restore CA1812
}
