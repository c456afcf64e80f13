using LastClick.Bench;
using LastClick.Forecast;
using LastClick.Payouts;
using LastClick.Programs;
using LastClick.Tests.Support;

namespace LastClick.Tests.Reporting;

/// <summary>H4: the cash-flow forecast — the pure model on known cases, its backtest (small here; bench/ runs it big), and the service over the store.</summary>
public sealed class ForecastTests
{
    private static readonly PayoutTerms Fridays = new("weekly", DayOfWeek.Friday, new Dictionary<string, decimal> { ["USD"] = 15m }, ["sepa"]);
    private static readonly DateTimeOffset Monday = Build.T("2026-03-02T08:00:00Z");

    private static Outcomes History(long approved, long declined, params (int Day, long Orders)[] lags)
    {
        var histogram = new long[121];
        foreach (var (day, orders) in lags) histogram[day] = orders;
        return new Outcomes(approved, declined, histogram);
    }

    [Fact]
    public void H4_a_confirmed_commission_is_payable_after_the_hold_and_paid_at_the_next_run_once_over_the_threshold()
    {
        var open = new[]
        {
            new OpenCommission("o1", Monday.AddDays(-20), "Toys", "DE", "confirmed", Monday.AddDays(-1), 40m),
            new OpenCommission("o2", Monday.AddDays(-3), "Toys", "DE", "payable", Monday.AddDays(-3), 5m),
        };
        var forecast = CashFlow.Project("USD", open, new Dictionary<string, Outcomes>(), Outcomes.None, TimeSpan.FromDays(10), Fridays, 15m, Monday);

        // o2 is payable now (week 0) but alone under the threshold: it waits for o1, payable on day 9 (week 1), paid Friday of week 1.
        Assert.Equal(new Band(5m, 5m, 5m), forecast.Weeks[0].Payable);
        Assert.Equal(new Band(40m, 40m, 40m), forecast.Weeks[1].Payable);
        Assert.Equal(Band.Zero, forecast.Weeks[0].Paid);
        Assert.Equal(new Band(45m, 45m, 45m), forecast.Weeks[1].Paid);
        Assert.Equal((0m, 40m, 5m), (forecast.Pending, forecast.Confirmed, forecast.Payable));
        Assert.Equal(45m, forecast.Survives.Expected);
    }

    [Fact]
    public void H4_a_commission_confirmed_weeks_ago_is_payable_when_its_hold_ends_not_a_whole_hold_from_now()
    {
        var open = new[] { new OpenCommission("o1", Monday.AddDays(-40), "Toys", "DE", "confirmed", Monday.AddDays(-25), 30m, "p1") };
        var forecast = CashFlow.Project("USD", open, new Dictionary<string, Outcomes>(), Outcomes.None, TimeSpan.FromDays(30), Fridays, 15m, Monday);
        // Confirmed 25 days ago with a 30-day hold: payable on Saturday of this week, paid at the next Friday's run.
        Assert.Equal(30m, forecast.Weeks[0].Payable.Expected);
        Assert.Equal(30m, forecast.Weeks[1].Paid.Expected);
    }

    [Fact]
    public void H4_one_commission_is_one_draw_however_many_days_it_may_land_on_and_the_band_never_passes_what_is_open()
    {
        // 90% approved, confirmed after 1…7 days alike: this week (Monday 08:00) whichever day it is.
        var history = History(90, 10, (1, 10), (2, 10), (3, 10), (4, 10), (5, 10), (6, 10));
        var open = new[] { new OpenCommission("o1", Monday, "Toys", "DE", "pending", null, 100m, "p1") };
        var week = CashFlow.Project("USD", open, new Dictionary<string, Outcomes> { ["Toys"] = history }, history, TimeSpan.Zero, Fridays, 0m, Monday).Weeks[0].Payable;
        // One draw of 0.9: standard deviation 30, so 90 − 1.645 × 30 = 40.65; the high end stops at the 100 that is open.
        Assert.Equal(new Band(40.65m, 90m, 100m), week);
    }

    [Fact]
    public void H4_the_threshold_holds_each_publishers_payments_on_its_own()
    {
        // Two publishers with 10 payable each and a threshold of 15: no run pays either, whatever they add up to.
        var open = new[]
        {
            new OpenCommission("o1", Monday.AddDays(-9), "Toys", "DE", "payable", Monday.AddDays(-8), 10m, "p1"),
            new OpenCommission("o2", Monday.AddDays(-9), "Toys", "DE", "payable", Monday.AddDays(-8), 10m, "p2"),
        };
        var forecast = CashFlow.Project("USD", open, new Dictionary<string, Outcomes>(), Outcomes.None, TimeSpan.Zero, Fridays, 15m, Monday);
        Assert.All(forecast.Weeks, w => Assert.Equal(0m, w.Paid.Expected));
        Assert.Equal(20m, forecast.LaterPaid.Expected);
    }

    [Fact]
    public void H4_a_pending_commission_survives_with_its_categorys_approval_and_waits_for_its_remaining_lag()
    {
        // Toys: 80 of 100 decided approved, confirmed 10 days after the order (40) or 24 days after (40). Phones: too
        // little history of its own (10 decided), so the program's: all approved, confirmed after 3 days.
        var toys = History(80, 20, (10, 40), (24, 40));
        var phones = History(10, 0, (2, 10));
        var program = History(200, 0, (3, 200));
        var open = new[]
        {
            new OpenCommission("o1", Monday.AddDays(-12), "Toys", "DE", "pending", null, 100m),   // 12 days old: only the 24-day lag is left
            new OpenCommission("o2", Monday.AddDays(-1), "Mobile phones", "DE", "pending", null, 10m),
        };
        var forecast = CashFlow.Project("USD", open, new Dictionary<string, Outcomes> { ["Toys"] = toys, ["Mobile phones"] = phones }, program,
            TimeSpan.Zero, Fridays, 0m, Monday);

        Assert.Equal(80m + 10m, forecast.Survives.Expected);
        Assert.True(forecast.Survives.Low < 90m && forecast.Survives.High > 90m);
        // o2 after 3 days (Thursday, week 0); o1 on day 24 from its order: Monday + 12.5 days, week 1.
        Assert.Equal(10m, forecast.Weeks[0].Payable.Expected);
        Assert.Equal(80m, forecast.Weeks[1].Payable.Expected);
        Assert.Equal([new ForecastBasis("Mobile phones", false, 200, 200, 1m), new ForecastBasis("Toys", true, 100, 80, 0.8m)], forecast.Basis);
        // What is expected to be paid over the weeks and later adds up to what survives.
        Assert.Equal(forecast.Survives.Expected, forecast.Weeks.Sum(w => w.Paid.Expected) + forecast.LaterPaid.Expected);
    }

    /// <summary>The backtest at CI size: the forecast from weekly cuts of a generated year, against what happened (docs/performance.md has the full run).</summary>
    [Fact]
    public void H4_the_backtest_band_holds_what_became_payable_in_at_least_three_weeks_of_four()
    {
        var report = ForecastBacktest.Run(new BacktestOptions(Orders: 8000, Cuts: 8));
        Assert.True(report.PayableCoverage >= 0.75, report.Markdown());
        Assert.True(report.Horizons[0].PayableMape < 0.25, report.Markdown());
        Assert.All(report.Horizons, h => Assert.Equal(8, h.Cuts));
    }

    [Theory]
    [MemberData(nameof(TestStores.Providers), MemberType = typeof(TestStores))]
    public void H4_the_service_forecasts_a_publishers_open_commissions_from_the_programs_history(string provider)
    {
        using var h = Harness.Create(provider);
        if (h is null) return;
        h.Publisher("p1");
        for (var i = 0; i < 6; i++)
        {
            h.Click($"c{i}", $"v{i}", $"2026-02-0{i + 1}T10:00:00Z");
            h.Order($"o{i}", $"2026-02-0{i + 1}T11:00:00Z", "USD", "DE", $"v{i}", "aliexpress-ww", Build.Line("l1", "Toys", 120m));
            h.Event($"o{i}-paid", "paid", $"2026-02-0{i + 1}T12:00:00Z", $"o{i}");
        }
        h.Event("o0-received", "goods_received", "2026-02-10T12:00:00Z", "o0");
        h.Event("o1-cancel", "cancelled", "2026-02-10T13:00:00Z", "o1");
        var forecast = h.Platform.Forecasts.Project("p1", null, null);
        var balance = h.Balance("p1", "USD");
        Assert.Equal((balance.Pending, balance.Confirmed + balance.Payable), (forecast.Pending, forecast.Confirmed + forecast.Payable));
        Assert.Equal(12, forecast.Weeks.Count);
        Assert.Equal(forecast.Survives.Expected, forecast.Weeks.Sum(w => w.Paid.Expected) + forecast.LaterPaid.Expected);
        // History of one approved and one declined: thin, so the program's; the pending survive half the time.
        Assert.True(forecast.Survives.Expected < forecast.Pending + forecast.Confirmed + forecast.Payable);
        Assert.Equal("not_found", Assert.Throws<Common.ProblemException>(() => h.Platform.Forecasts.Project("p1", "nope", null)).Problem.Type);
    }
}
