using LastClick.Payouts;
using LastClick.Programs;

namespace LastClick.Forecast;

/// <summary>
/// A commission not paid yet: its order's time, main category and market, its state and amount (payout currency), and
/// whose it is (the threshold holds each publisher's payments on its own).
/// </summary>
public sealed record OpenCommission(string OrderId, DateTimeOffset OrderAt, string Category, string Market, string Status, DateTimeOffset? ConfirmedAt, decimal Amount,
    string Publisher = "");

/// <summary>
/// What history says about orders like these: how many were decided approved or declined, and the approved ones' days
/// from order to confirmation (index = whole days, the last holds every later one).
/// </summary>
public sealed record Outcomes(long Approved, long Declined, IReadOnlyList<long> LagDays)
{
    public long Decided => Approved + Declined;

    public long LagSample => LagDays.Sum();

    public static Outcomes None { get; } = new(0, 0, []);
}

/// <summary>A low / expected / high band: the expectation and a 90% interval around it (never below zero).</summary>
public sealed record Band(decimal Low, decimal Expected, decimal High)
{
    public static Band Zero { get; } = new(0m, 0m, 0m);
}

/// <summary>One week (Monday, UTC) of a forecast: what is expected to become payable in it, and to be paid in it.</summary>
public sealed record ForecastWeek(DateOnly Start, Band Payable, Band Paid);

/// <summary>
/// A cash-flow forecast (H4): what is open now, how much of it is expected to survive, and when it is expected to become
/// payable and to be paid, week by week; <see cref="Later"/> is what falls after the last week. <see cref="Basis"/> says
/// where the rates came from: per category where its history is large enough, else the program's.
/// </summary>
public sealed record CashFlowForecast(
    string Currency, DateTimeOffset At, decimal Pending, decimal Confirmed, decimal Payable, Band Survives,
    IReadOnlyList<ForecastWeek> Weeks, Band LaterPayable, Band LaterPaid, IReadOnlyList<ForecastBasis> Basis)
{
    public Band Later => LaterPaid;
}

/// <summary>The history a category's rates came from: its own (decided orders, lag sample) or the program's.</summary>
public sealed record ForecastBasis(string Category, bool OwnHistory, long Decided, long LagSample, decimal ApprovalRate);

/// <summary>
/// H4: a pure forecast of when open commissions become payable and are paid, and how much survives. A pending
/// commission survives with its category's approval rate (decided orders; the program's when the category has fewer
/// than <see cref="MinSample"/>) and is confirmed after a lag drawn from the approved orders' lags, given how old it
/// already is; it becomes payable the hold after, and is paid at the first payout run from then on, once what is
/// payable reaches the threshold. Each commission is a Bernoulli draw per week, so a week's band is its expectation
/// ± 1.645 standard deviations (a 90% interval when many commissions make the week).
/// </summary>
public static class CashFlow
{
    public const int MinSample = 30;

    /// <summary>How many standard deviations each side of the expectation the band spans (90%).</summary>
    public const decimal Z = 1.645m;

    public static CashFlowForecast Project(
        string currency, IReadOnlyList<OpenCommission> open, IReadOnlyDictionary<string, Outcomes> byCategory, Outcomes program,
        TimeSpan hold, PayoutTerms terms, decimal threshold, DateTimeOffset now, int weeks = 12)
    {
        var weekZero = Monday(now);
        var start = WeekStart(now);
        int WeekOf(DateTimeOffset at) => Math.Clamp((int)Math.Floor((at - start).TotalDays / 7), 0, weeks);
        var payableMass = new double[weeks + 1];
        var payableVar = new double[weeks + 1];
        // The payout runs ahead; what each publisher is expected to see become payable before each, and its variance.
        var runs = Enumerable.Range(0, weeks + 2).Select(i => PayoutSchedule.Next(terms, i == 0 ? now : now.AddDays(7 * i))).Distinct().ToList();
        var runMass = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var runVar = new Dictionary<string, double[]>(StringComparer.Ordinal);
        double survives = 0, survivesVar = 0;
        var basis = new Dictionary<string, ForecastBasis>(StringComparer.Ordinal);
        var total = (double)open.Sum(o => o.Amount);

        foreach (var c in open)
        {
            var amount = (double)c.Amount;
            if (amount == 0) continue;
            var (outcomes, own) = byCategory.TryGetValue(c.Category, out var mine) && mine.Decided >= MinSample && mine.LagSample >= MinSample
                ? (mine, true) : (program, false);
            var approval = c.Status == "pending" ? (outcomes.Decided == 0 ? 1.0 : (double)outcomes.Approved / outcomes.Decided) : 1.0;
            basis.TryAdd(c.Category, new ForecastBasis(c.Category, own, outcomes.Decided, outcomes.LagSample, (decimal)Math.Round(approval, 4)));
            survives += amount * approval;
            survivesVar += amount * amount * approval * (1 - approval);
            // One commission lands in one week (and one run) at most: its chances there add up before it counts as one
            // draw of probability Q, variance a²Q(1−Q) — not one independent draw per possible day.
            var inWeek = new double[weeks + 1];
            var inRun = new double[runs.Count + 1];
            foreach (var (payableAt, probability) in PayableTimes(c, outcomes, hold, now))
            {
                var q = approval * probability;
                inWeek[WeekOf(payableAt)] += q;
                var run = runs.FindIndex(r => r >= payableAt);
                inRun[run < 0 ? runs.Count : run] += q;
            }
            if (!runMass.TryGetValue(c.Publisher, out var mass))
            {
                (runMass[c.Publisher], runVar[c.Publisher]) = (mass = new double[runs.Count + 1], new double[runs.Count + 1]);
            }
            var variance = runVar[c.Publisher];
            for (var w = 0; w <= weeks; w++)
            {
                payableMass[w] += amount * inWeek[w];
                payableVar[w] += amount * amount * inWeek[w] * (1 - inWeek[w]);
            }
            for (var r = 0; r <= runs.Count; r++)
            {
                mass[r] += amount * inRun[r];
                variance[r] += amount * amount * inRun[r] * (1 - inRun[r]);
            }
        }

        // The threshold, publisher by publisher: a run pays one only when what has become payable for it by then (and
        // was carried) reaches it.
        var paidMass = new double[weeks + 1];
        var paidVar = new double[weeks + 1];
        foreach (var (publisher, mass) in runMass)
        {
            var variance = runVar[publisher];
            double carried = 0, carriedVar = 0;
            for (var r = 0; r < runs.Count; r++)
            {
                carried += mass[r];
                carriedVar += variance[r];
                if (carried < (double)threshold || carried <= 0) continue;
                var w = WeekOf(runs[r]);
                paidMass[w] += carried;
                paidVar[w] += carriedVar;
                (carried, carriedVar) = (0, 0);
            }
            paidMass[weeks] += carried + mass[runs.Count];
            paidVar[weeks] += carriedVar + variance[runs.Count];
        }

        decimal Sum(string status) => open.Where(o => o.Status == status).Sum(o => o.Amount);
        var list = Enumerable.Range(0, weeks)
            .Select(i => new ForecastWeek(weekZero.AddDays(7 * i), BandOf(payableMass[i], payableVar[i], total), BandOf(paidMass[i], paidVar[i], total))).ToList();
        return new CashFlowForecast(currency, now, Sum("pending"), Sum("confirmed"), Sum("payable"), BandOf(survives, survivesVar, total), list,
            BandOf(payableMass[weeks], payableVar[weeks], total), BandOf(paidMass[weeks], paidVar[weeks], total), [.. basis.Values.OrderBy(b => b.Category, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// When a commission becomes payable, with what probability (summing to 1): confirmed ones at their confirmation plus
    /// the hold, payable ones now, pending ones at each later lag of the history (given the order's age) plus the hold.
    /// </summary>
    private static IEnumerable<(DateTimeOffset At, double Probability)> PayableTimes(OpenCommission c, Outcomes outcomes, TimeSpan hold, DateTimeOffset now)
    {
        switch (c.Status)
        {
            case "payable":
                yield return (now, 1.0);
                yield break;
            case "confirmed":
                yield return (Later((c.ConfirmedAt ?? now) + hold, now), 1.0);
                yield break;
        }
        var age = Math.Max(0, (int)Math.Floor((now - c.OrderAt).TotalDays));
        var lags = outcomes.LagDays;
        double rest = 0;
        for (var d = age; d < lags.Count; d++) rest += lags[d];
        if (rest <= 0)
        {
            // Older than anything history confirmed: expected within the next week, spread evenly.
            for (var d = 1; d <= 7; d++) yield return (now.AddDays(d) + hold, 1.0 / 7);
            yield break;
        }
        for (var d = age; d < lags.Count; d++)
        {
            if (lags[d] == 0) continue;
            // The middle of the lag's day, never before now.
            yield return (Later(c.OrderAt.AddDays(d + 0.5), now) + hold, lags[d] / rest);
        }
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>The expectation ± <see cref="Z"/> standard deviations, within zero and <paramref name="cap"/> (all that is open).</summary>
    private static Band BandOf(double mean, double variance, double cap)
    {
        var sd = Math.Sqrt(Math.Max(0, variance));
        decimal Money(double x) => Math.Round((decimal)Math.Clamp(x, 0, Math.Max(0, cap)), 2, MidpointRounding.AwayFromZero);
        return new Band(Money(mean - (double)Z * sd), Money(mean), Money(mean + (double)Z * sd));
    }

    /// <summary>The Monday (UTC) of <paramref name="at"/>'s week.</summary>
    public static DateOnly Monday(DateTimeOffset at)
    {
        var day = DateOnly.FromDateTime(at.UtcDateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    /// <summary>The moment <paramref name="at"/>'s week begins: its Monday, 00:00 UTC (week 0 of a forecast made then).</summary>
    public static DateTimeOffset WeekStart(DateTimeOffset at) => new(Monday(at).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
