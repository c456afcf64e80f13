using System.Globalization;
using System.Text;
using LastClick.Forecast;
using LastClick.Programs;

namespace LastClick.Bench;

/// <summary>How big a backtest is: orders over a year for one publisher (or a whole program), and how many weekly cuts.</summary>
public sealed record BacktestOptions(int Orders = 40_000, int Cuts = 16, int Seed = 2026, int Weeks = 12, string Program = "aliexpress-ww");

/// <summary>One horizon's errors: the mean absolute percentage error over the cuts whose actual was not zero, and the share inside the band.</summary>
public sealed record HorizonError(int Week, double PayableMape, double PayableCoverage, double PaidMape, double PaidCoverage, int Cuts);

public sealed record BacktestReport(BacktestOptions Options, IReadOnlyList<HorizonError> Horizons, double PayableCoverage, double PaidCoverage, double PayableMape, double PaidMape)
{
    public string Markdown()
    {
        var b = new StringBuilder();
        b.AppendLine(CultureInfo.InvariantCulture, $"Backtest: {Options.Orders:N0} orders over 52 weeks, {Options.Cuts} weekly cuts, {Options.Program}, seed {Options.Seed}");
        b.AppendLine();
        b.AppendLine("| week ahead | payable MAPE | payable inside band | paid MAPE | paid inside band |");
        b.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var h in Horizons)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"| {h.Week} | {h.PayableMape:P1} | {h.PayableCoverage:P0} | {h.PaidMape:P1} | {h.PaidCoverage:P0} |");
        }
        b.AppendLine(CultureInfo.InvariantCulture, $"| all | {PayableMape:P1} | {PayableCoverage:P0} | {PaidMape:P1} | {PaidCoverage:P0} |");
        return b.ToString();
    }
}

/// <summary>
/// H4's backtest: a generated year of orders (categories with their own approval rates and confirmation lags), the
/// forecast made from each weekly cut's state alone — what was open, and the history decided by then — and compared with
/// what then happened: when each open commission became payable and was paid (weekly runs, the program's threshold).
/// Pure and in memory: it measures the model, as <see cref="CashFlow"/> is what the API runs on the store's figures.
/// </summary>
public static class ForecastBacktest
{
    private sealed record Category(string Name, double Approval, double MinLag, double MeanLag);

    private static readonly Category[] Categories =
    [
        new("Mobile phones", 0.62, 5, 18), new("Toys", 0.9, 4, 10), new("Garden supplies", 0.8, 7, 25),
        new("Women's clothing", 0.55, 6, 14), new("All other categories", 0.85, 3, 12),
    ];

    private sealed record SimOrder(DateTimeOffset At, Category Category, decimal Amount, bool Approved, DateTimeOffset DecidedAt)
    {
        public DateTimeOffset? PaidAt { get; set; }
    }

    public static BacktestReport Run(BacktestOptions options)
    {
        var program = ProgramCatalog.BuiltIn().Get(options.Program);
        var random = new Random(options.Seed);
        var start = new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero); // a Monday
        var end = start.AddDays(7 * 52);
        var currency = program.PayoutCurrencyAt(start);
        var threshold = LastClick.Payouts.PayoutPlanner.Threshold(program, currency, start);
        var orders = new List<SimOrder>(options.Orders);
        for (var i = 0; i < options.Orders; i++)
        {
            var at = start.AddSeconds(random.NextDouble() * (end - start).TotalSeconds);
            var category = Categories[random.Next(Categories.Length)];
            var amount = Math.Round((decimal)Math.Exp(0.8 + 0.7 * Normal(random)), 2);
            var approved = random.NextDouble() < category.Approval;
            var lag = approved ? category.MinLag - category.MeanLag * Math.Log(1 - random.NextDouble()) : 1 + random.NextDouble() * 30;
            orders.Add(new SimOrder(at, category, amount, approved, at.AddDays(Math.Min(lag, 150))));
        }
        // The payout runs as they happened: weekly, paying every payable commission once the balance reaches the threshold.
        var payable = orders.Where(o => o.Approved).OrderBy(o => o.DecidedAt + program.Hold).ToList();
        var next = 0;
        var waiting = new List<SimOrder>();
        for (var run = LastClick.Payouts.PayoutSchedule.Next(program.Payout, start); run < end.AddDays(7 * 40); run = LastClick.Payouts.PayoutSchedule.Next(program.Payout, run))
        {
            while (next < payable.Count && payable[next].DecidedAt + program.Hold <= run) waiting.Add(payable[next++]);
            if (waiting.Sum(o => o.Amount) < threshold || waiting.Count == 0) continue;
            foreach (var o in waiting) o.PaidAt = run;
            waiting.Clear();
        }

        var errors = Enumerable.Range(0, options.Weeks).Select(_ => new List<(decimal Actual, Band Payable, decimal PaidActual, Band Paid)>()).ToList();
        for (var k = 0; k < options.Cuts; k++)
        {
            var cut = start.AddDays(7 * (30 + k * 20 / Math.Max(1, options.Cuts)) + 0.25);
            var (open, byCategory, whole) = StateAt(orders, cut, program.Hold);
            var forecast = CashFlow.Project(currency.Code, [.. open.Select(x => x.Commission)], byCategory, whole, program.Hold, program.Payout, threshold, cut, options.Weeks);
            var weekZero = CashFlow.WeekStart(cut);
            for (var h = 0; h < options.Weeks; h++)
            {
                var (from, to) = (weekZero.AddDays(7 * h), weekZero.AddDays(7 * (h + 1)));
                var becamePayable = open.Where(x => x.Order.Approved && Later(x.Order.DecidedAt + program.Hold, cut) >= from && Later(x.Order.DecidedAt + program.Hold, cut) < to)
                    .Sum(x => x.Order.Amount);
                var paid = open.Where(x => x.Order.PaidAt is { } p && p >= from && p < to).Sum(x => x.Order.Amount);
                errors[h].Add((becamePayable, forecast.Weeks[h].Payable, paid, forecast.Weeks[h].Paid));
            }
        }
        static double Mape(IEnumerable<(decimal Actual, decimal Expected)> pairs)
        {
            var list = pairs.Where(p => p.Actual > 0).ToList();
            return list.Count == 0 ? 0 : list.Average(p => (double)(Math.Abs(p.Expected - p.Actual) / p.Actual));
        }
        static double Inside(IEnumerable<(decimal Actual, Band Band)> pairs)
        {
            var list = pairs.ToList();
            return list.Count == 0 ? 1 : list.Count(p => p.Actual >= p.Band.Low && p.Actual <= p.Band.High) / (double)list.Count;
        }
        var horizons = errors.Select((e, h) => new HorizonError(h, Mape(e.Select(x => (x.Actual, x.Payable.Expected))), Inside(e.Select(x => (x.Actual, x.Payable))),
            Mape(e.Select(x => (x.PaidActual, x.Paid.Expected))), Inside(e.Select(x => (x.PaidActual, x.Paid))), e.Count)).ToList();
        var all = errors.SelectMany(e => e).ToList();
        return new BacktestReport(options, horizons, Inside(all.Select(x => (x.Actual, x.Payable))), Inside(all.Select(x => (x.PaidActual, x.Paid))),
            Mape(all.Select(x => (x.Actual, x.Payable.Expected))), Mape(all.Select(x => (x.PaidActual, x.Paid.Expected))));
    }

    /// <summary>
    /// What a forecast at <paramref name="cut"/> can know: the commissions open then (pending: not decided; confirmed:
    /// in the hold; payable: held no more but not paid), and the history decided by then of the year before it.
    /// </summary>
    private static (List<(SimOrder Order, OpenCommission Commission)> Open, Dictionary<string, Outcomes> ByCategory, Outcomes Whole) StateAt(
        List<SimOrder> orders, DateTimeOffset cut, TimeSpan hold)
    {
        var open = new List<(SimOrder, OpenCommission)>();
        foreach (var o in orders.Where(o => o.At < cut))
        {
            string? status = o.DecidedAt > cut ? "pending"
                : !o.Approved ? null
                : o.DecidedAt + hold > cut ? "confirmed"
                : o.PaidAt is null || o.PaidAt > cut ? "payable" : null;
            if (status is null) continue;
            open.Add((o, new OpenCommission($"{o.At.Ticks}", o.At, o.Category.Name, "DE", status, status == "pending" ? null : o.DecidedAt, o.Amount)));
        }
        // As the service reads it: the twelve months that ended three months ago (most of their orders decided), else the last twelve.
        var known = orders.Where(o => o.At >= cut.AddDays(-455) && o.At < cut.AddDays(-91) && o.DecidedAt <= cut).ToList();
        if (known.Count < CashFlow.MinSample) known = [.. orders.Where(o => o.At >= cut.AddDays(-365) && o.At < cut && o.DecidedAt <= cut)];
        Outcomes Of(IEnumerable<SimOrder> group)
        {
            var list = group.ToList();
            var lags = new long[121];
            foreach (var o in list.Where(o => o.Approved)) lags[Math.Min(120, (int)Math.Floor((o.DecidedAt - o.At).TotalDays))]++;
            return new Outcomes(list.Count(o => o.Approved), list.Count(o => !o.Approved), lags);
        }
        return (open, known.GroupBy(o => o.Category.Name).ToDictionary(g => g.Key, g => Of(g), StringComparer.Ordinal), Of(known));
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
